"""factory-boy factories for every model, in one place. A test builds only what it needs."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from actions.models import (
    Action,
    ActionSubItem,
    CompletionStatus,
    ProgressUpdate,
    Timeframe,
)
from agencies.models import Agency, Profile
from consultation.models import Comment
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from legal.models import LegalPage
from partnerships.context import current_partnership_id
from partnerships.models import Partnership
from plans.models import AnnualPlan, Driver, KeyQuestion, Principle, Strategy, Theme
from priorities.models import Priority, Strand
from rounds.models import RoundEmail, UpdateWindow


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class PartnershipFactory(factory.django.DjangoModelFactory):
    """Another partnership than the tests' own (Safer Lewisham, see tests/conftest.py)."""

    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Invented Community Safety Partnership {n}")
    short_name = factory.Sequence(lambda n: f"Invented {n}")
    slug = factory.Sequence(lambda n: f"invented-{n}")
    area = "An invented borough"


class AgencyFactory(factory.django.DjangoModelFactory):
    """A partner agency of the tests' partnership (or of those given: ``partner_of=[...]``)."""

    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner Agency {n}")
    slug = factory.Sequence(lambda n: f"partner-agency-{n}")
    kind = Agency.Kind.COUNCIL

    @factory.post_generation
    def partner_of(obj, create, extracted, **kwargs):
        if create:
            obj.partnerships.add(
                *(extracted if extracted is not None else [current_partnership_id()])
            )


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Crime and Disorder Strategy {n}")
    slug = factory.Sequence(lambda n: f"strategy-{n}")
    start_year = 2017
    end_year = 2020


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Safer Plan {n}")
    slug = factory.Sequence(lambda n: f"safer-plan-{n}")
    financial_year = 2017
    status = AnnualPlan.Status.ACTIVE


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    plan = factory.SubFactory(AnnualPlanFactory)
    name = factory.Sequence(lambda n: f"Principle {n}")


class KeyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyQuestion

    plan = factory.SubFactory(AnnualPlanFactory)
    text = factory.Sequence(lambda n: f"How do we answer question {n}?")


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    plan = factory.SubFactory(AnnualPlanFactory)
    text = factory.Sequence(lambda n: f"Driver {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(AnnualPlanFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(AnnualPlanFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    slug = factory.Sequence(lambda n: f"priority-{n}")


class StrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strand

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Strand {n}")
    slug = factory.Sequence(lambda n: f"strand-{n}")
    scope = "What this strand covers."


def completion_status(slug):
    """One of the completion statuses the migrations seed ("not-started", "complete"...)."""
    return CompletionStatus.objects.get(slug=slug)


class TimeframeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Timeframe
        django_get_or_create = ("plan", "wording")

    plan = factory.SubFactory(AnnualPlanFactory)
    wording = "March 18"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    strand = factory.SubFactory(StrandFactory)
    theme = factory.LazyAttribute(lambda a: ThemeFactory(plan=a.strand.priority.plan))
    text = factory.Sequence(lambda n: f"Action number {n} will be done.")
    order = factory.Sequence(lambda n: n)
    lead_agency = factory.SubFactory(AgencyFactory)
    timeframe = factory.LazyAttribute(
        lambda a: TimeframeFactory(plan=a.strand.priority.plan, wording="March 18")
    )
    completion_status = factory.LazyFunction(lambda: completion_status("not-started"))


class ActionSubItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionSubItem

    action = factory.SubFactory(ActionFactory)
    label = factory.Sequence(lambda n: "abcdefghijklmnopqrstuvwxyz"[n % 26])
    text = factory.Sequence(lambda n: f"Sub-item {n}")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    quarter = 1
    completion_status = factory.LazyFunction(lambda: completion_status("in-progress"))
    rag_rating = ProgressUpdate.RAG.GREEN
    narrative = "Going to plan."
    author = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on a plan as a whole; pass strand= or action= (of the same plan) for others."""

    class Meta:
        model = Comment

    plan = factory.SubFactory(AnnualPlanFactory, status="consultation")
    text = factory.Sequence(lambda n: f"Comment number {n} on the draft.")
    author = factory.SubFactory(UserFactory)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A quarterly "higher is better" count for a plan, with an annual target of 20 and a
    tolerance of 2, reported by an agency."""

    class Meta:
        model = Indicator

    plan = factory.SubFactory(AnnualPlanFactory)
    name = factory.Sequence(lambda n: f"Referrals to services {n}")
    description = "Referrals received in the quarter."
    unit = Indicator.Unit.NUMBER
    direction = Indicator.Direction.HIGHER
    frequency = Indicator.Frequency.QUARTERLY
    baseline_value = 15
    baseline_period = "2016-17"
    annual_target = 20
    tolerance = 2
    source_agency = factory.SubFactory(AgencyFactory)
    order = factory.Sequence(lambda n: n)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    quarter = 1
    value = 10


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A value, rated on save against the indicator's target (indicators/rating.py)."""

    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    quarter = 1
    value = 20
    note = "Figures from the agency's case management system."
    recorded_by = factory.SubFactory(UserFactory)


class UpdateWindowFactory(factory.django.DjangoModelFactory):
    """The Q3 window of a 2017-18 plan: 17 December 2017 to 10 January 2018 (the defaults)."""

    class Meta:
        model = UpdateWindow

    plan = factory.SubFactory(AnnualPlanFactory)
    quarter = 3
    opens_on = factory.LazyFunction(lambda: date(2017, 12, 17))
    closes_on = factory.LazyFunction(lambda: date(2018, 1, 10))


class RoundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundEmail

    window = factory.SubFactory(UpdateWindowFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = RoundEmail.Kind.OPENING
    status = RoundEmail.Status.SENT
    to_address = factory.LazyAttribute(lambda e: e.recipient.email)
    subject = "Updates for Q3 2017-18 due by 10 January 2018"
    body = "Dear officer, ..."
    attempts = 1


class LegalPageFactory(factory.django.DjangoModelFactory):
    """A partnership's own text of one of its legal pages (the tests' partnership's unless
    ``partnership=`` says)."""

    class Meta:
        model = LegalPage

    kind = LegalPage.Kind.PRIVACY
    text = "## Who we are\n\nThe partnership's own privacy notice."
