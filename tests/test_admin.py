"""The administration pages: an administrator sets up a whole plan without leaving them."""

from datetime import date
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_results.models import TaskResult

from actions.models import Action, Timeframe
from agencies import roles
from agencies.models import Agency, AgencyAlias
from imports.models import PlanImport
from indicators.models import IndicatorDefinition
from partnerships.models import OversightBody, Partnership
from plans.models import AnnualPlan, Strategy
from priorities.models import Priority, Strand
from rounds.models import RoundEmail
from sso.models import SignInIdentity, SingleSignOnProvider
from tests.conftest import PREFIX, in_role
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    CommentFactory,
    DriverFactory,
    IndicatorValueFactory,
    KeyQuestionFactory,
    LegalPageFactory,
    PrincipleFactory,
    PriorityFactory,
    ProfileFactory,
    ProgressUpdateFactory,
    RoundEmailFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every test here signs someone in; hashing their password the secure way costs a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Models whose rows admin's add form never makes: they are made by their own pages (or, for
# the update round's e-mails, by its command).
MADE_ELSEWHERE = {
    PlanImport,
    # What a name in a spreadsheet means: made by confirming it in an import's preview.
    AgencyAlias,
    RoundEmail,
    AccessAttempt,
    AccessLog,
    AccessFailureLog,
    # A person's link to a single sign-on provider: made by signing in with it.
    SignInIdentity,
    # A background job's outcome: made by the job.
    TaskResult,
}
# Models of the site's admin (/admin/), not a partnership's: partnerships are made there, and
# oversight bodies live there whole.
SITE_LEVEL = {
    Partnership,
    OversightBody,
    IndicatorDefinition,
    # Single sign-on (issue 13): organisations' providers and people's links to them.
    SingleSignOnProvider,
    SignInIdentity,
    # Background jobs' outcomes (docs/background-jobs.md): the update round runs across every
    # partnership, so no one partnership owns a job.
    TaskResult,
}


def admin_url(model, view, *args):
    """The page of the partnership's admin; of the site's admin for the SITE_LEVEL models."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    return url.removeprefix(PREFIX) if model in SITE_LEVEL else url


class _FormReader(HTMLParser):
    """Reads the fields of an admin change form as a browser would submit them untouched."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.data = {}
        self.select = None  # [name, multiple, options, selected]
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
                return
            self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[2].append(value)
            if "selected" in attrs:
                self.select[3].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            name, multiple, options, selected = self.select
            if multiple:
                if selected:
                    self.data[name] = selected
            elif selected or options:
                self.data[name] = (selected or options)[0]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.data[name] = text.removeprefix("\n")
            self.textarea = None


def form_data(response, model, add_rows=None):
    """The POST data of the admin form on the page, as rendered, with as many more inline rows
    as asked for ({"actions": 1}) cloned from the empty row as "Add another" does."""
    reader = _FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    data = {name: value for name, value in reader.data.items() if "__prefix__" not in name}
    for prefix, count in (add_rows or {}).items():
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        template = f"{prefix}-__prefix__-"
        for index in range(total, total + count):
            for name, value in reader.data.items():
                if name.startswith(template):
                    data[name.replace("__prefix__", str(index))] = value
        data[f"{prefix}-TOTAL_FORMS"] = str(total + count)
    return data


def submit(client, url, model, add_rows=None, **changes):
    """Open an admin form, change some fields and save it, as an administrator would."""
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, model, add_rows) | {name: str(v) for name, v in changes.items()}
    response = client.post(url, data)
    errors = []
    if response.status_code == 200 and response.context:
        errors = [response.context["adminform"].form.errors] + [
            formset.formset.errors for formset in response.context["inline_admin_formsets"]
        ]
    assert response.status_code == 302, errors
    return response


@pytest.fixture
def one_of_everything(superuser):
    """One object of each registered model, so that list rows and change pages render."""
    action = ActionFactory(lead_officer=superuser)
    plan = action.plan
    action.partner_agencies.add(AgencyFactory())
    TimeframeFactory(plan=plan, wording="When funding allows")
    ActionSubItemFactory(action=action)
    ProgressUpdateFactory(action=action)
    PrincipleFactory(plan=plan)
    KeyQuestionFactory(plan=plan)
    DriverFactory(plan=plan)
    ProfileFactory(user=superuser)
    # A site administrator who is also of the partnership, as its people show in its admin.
    in_role(superuser, roles.ADMINISTRATORS)
    Group.objects.create(name="Plan administrators")
    OversightBody.objects.create(name="Office of the Police and Crime Commissioner", slug="opcc")
    IndicatorDefinition.objects.create(name="Knife crime with injury", slug="knife-crime")
    CommentFactory(plan=plan)
    # Performance indicators (issue 7): an indicator with a quarter's target and value.
    IndicatorValueFactory(indicator__plan=plan)
    # Imports (issue 5): the record of a spreadsheet uploaded into the plan.
    PlanImport.objects.create(plan=plan, filename="plan.xlsx", file=ContentFile(b"", "plan.xlsx"))
    # What a name in the partnership's spreadsheets means, as confirmed in an import.
    AgencyAlias.objects.create(alias="LBB", agency=AgencyFactory(), confirmed_by=superuser)
    # The update round (issue 7): a plan's window for a quarter and an e-mail sent in it.
    RoundEmailFactory(window__plan=plan, recipient=superuser)
    # Sign-in throttling (django-axes, docs/security.md): its records of sign-ins, which only
    # signing in makes (hence MADE_ELSEWHERE).
    who = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "Firefox"}
    AccessAttempt.objects.create(**who, failures_since_start=1)
    AccessLog.objects.create(**who)
    AccessFailureLog.objects.create(**who)
    # The legal pages (issue 13): the partnership's own text of one of them.
    LegalPageFactory()
    # Single sign-on (issue 13): a provider, and the superuser's link to it.
    provider = SingleSignOnProvider.objects.create(
        name="Lewisham Council (Microsoft)",
        issuer="https://login.example.gov.uk/lewisham",
        client_id="csp-tracker",
        client_secret="not-a-secret",
        email_domains="lewisham.example.gov.uk",
    )
    SignInIdentity.objects.create(user=superuser, provider=provider, subject="subject-1")
    # A background job that failed, as an administrator looks for it.
    TaskResult.objects.create(
        task_id="4b1c6e8e-0000-4000-8000-000000000001",
        task_name="rounds.send_update_round",
        status="FAILURE",
        result='{"exc_type": "SMTPServerDisconnected", "exc_message": ["Connection closed"]}',
        traceback="Traceback (most recent call last): ...",
    )
    return action


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_changelist_loads(admin_client, one_of_everything, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_add_page_loads(admin_client, model):
    """Every model's add page loads, except for records made only by their own pages (a plan
    import is made by uploading a spreadsheet), whose add page is refused."""
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if model not in MADE_ELSEWHERE else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_change_page_loads(admin_client, one_of_everything, model):
    obj = model._default_manager.first()

    response = admin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_plan_is_built_through_admin_alone(admin_client):
    agency = AgencyFactory(name="Lewisham Council")
    submit(
        admin_client,
        admin_url(Strategy, "add"),
        Strategy,
        title="Crime and Disorder Strategy",
        slug="crime-and-disorder-strategy",
        start_year=2017,
        end_year=2020,
    )
    strategy = Strategy.objects.get()
    submit(
        admin_client,
        admin_url(AnnualPlan, "add"),
        AnnualPlan,
        title="Safer Lewisham Plan 17-18",
        slug="safer-lewisham-plan-17-18",
        strategy=strategy.pk,
        financial_year=2017,
        status=AnnualPlan.Status.DRAFT,
        add_rows={"themes": 1},
        **{
            "themes-0-name": "Awareness raising",
            "themes-0-slug": "awareness-raising",
            "themes-0-order": 1,
            "themes-1-name": "Prevention",
            "themes-1-slug": "prevention",
            "themes-1-order": 2,
            "priorities-0-title": "Violence",
            "priorities-0-slug": "violence",
        },
    )
    plan = AnnualPlan.objects.get()
    submit(
        admin_client,
        admin_url(Priority, "change", plan.priorities.get().pk),
        Priority,
        **{
            "strands-0-title": "Violence against women and girls",
            "strands-0-slug": "vawg",
            "strands-0-scope": "Domestic abuse, sexual violence and harmful practices.",
        },
    )
    strand = Strand.objects.get()
    prevention = plan.themes.get(name="Prevention")
    submit(
        admin_client,
        admin_url(Strand, "change", strand.pk),
        Strand,
        add_rows={"actions": 1},
        **{
            "actions-0-reference": "1.1",
            "actions-0-order": 1,
            "actions-0-theme": prevention.pk,
            "actions-0-text": "Run a campaign on healthy relationships in schools.",
            "actions-0-timeframe_wording": "March 18",
            "actions-0-lead_agency": agency.pk,
            "actions-1-reference": "1.2",
            "actions-1-order": 2,
            "actions-1-theme": prevention.pk,
            "actions-1-text": "Extend the advocacy service.",
            "actions-1-timeframe_wording": "When funding allows",
        },
    )

    assert plan.strategy == strategy
    assert list(plan.themes.values_list("name", flat=True)) == ["Awareness raising", "Prevention"]
    assert strand.priority.plan == plan
    first, second = Action.objects.filter(strand=strand).order_by("order")
    assert (first.reference, first.theme, first.lead_agency) == ("1.1", prevention, agency)
    assert first.timeframe.due_date == date(2018, 3, 31)
    assert second.timeframe.wording == "When funding allows"
    assert second.timeframe.needs_review is True


@pytest.fixture
def flagged_and_read_actions():
    """Two actions of one plan: one whose timeframe could not be read, one that was read."""
    strand = StrandFactory(priority__plan__financial_year=2017)
    plan = strand.priority.plan
    flagged = ActionFactory(
        strand=strand,
        text="Extend the advocacy service.",
        timeframe=TimeframeFactory(plan=plan, wording="When funding allows"),
    )
    read = ActionFactory(
        strand=strand,
        text="Run a campaign on healthy relationships in schools.",
        timeframe=TimeframeFactory(plan=plan, wording="March 18"),
    )
    return flagged, read


@pytest.mark.django_db
def test_needs_review_filter_lists_only_actions_with_flagged_timeframes(
    admin_client, flagged_and_read_actions
):
    flagged, read = flagged_and_read_actions

    response = admin_client.get(admin_url(Action, "changelist"), {"timeframe_review": "yes"})

    assert flagged.text in response.text
    assert read.text not in response.text


@pytest.mark.django_db
def test_needs_review_filter_lists_actions_without_timeframe_on_their_own(admin_client):
    without = ActionFactory(text="Hold a summit.", timeframe=None)
    with_one = ActionFactory(text="Publish the strategy.")

    response = admin_client.get(admin_url(Action, "changelist"), {"timeframe_review": "none"})

    assert without.text in response.text
    assert with_one.text not in response.text


@pytest.mark.django_db
def test_action_changelist_marks_flagged_timeframe(admin_client, flagged_and_read_actions):
    response = admin_client.get(admin_url(Action, "changelist"))

    assert response.text.count("⚠ Needs review") == 1
    assert "31 March 2018" in response.text


@pytest.mark.django_db
def test_action_page_shows_how_the_timeframe_was_read(admin_client, flagged_and_read_actions):
    _, read = flagged_and_read_actions

    response = admin_client.get(admin_url(Action, "change", read.pk))

    assert "Read as" in response.text
    assert read.timeframe.explanation in response.text
    assert response.context["adminform"].form["timeframe_wording"].value() == "March 18"


@pytest.mark.django_db
def test_action_page_warns_and_links_when_timeframe_needs_review(
    admin_client, flagged_and_read_actions
):
    flagged, _ = flagged_and_read_actions

    response = admin_client.get(admin_url(Action, "change", flagged.pk))

    assert "Could not read this wording" in response.text
    assert admin_url(Timeframe, "change", flagged.timeframe.pk) in response.text


@pytest.mark.django_db
def test_action_search_finds_action_by_its_text(admin_client, flagged_and_read_actions):
    flagged, read = flagged_and_read_actions

    response = admin_client.get(admin_url(Action, "changelist"), {"q": "advocacy"})

    assert flagged.text in response.text
    assert read.text not in response.text


@pytest.mark.django_db
def test_action_page_moves_action_to_the_timeframe_of_new_wording(admin_client):
    action = ActionFactory(strand__priority__plan__financial_year=2017)

    submit(
        admin_client,
        admin_url(Action, "change", action.pk),
        Action,
        timeframe_wording="Sept 17",
    )

    action.refresh_from_db()
    assert action.timeframe.wording == "Sept 17"
    assert action.timeframe.plan == action.plan
    assert action.timeframe.due_date == date(2017, 9, 30)


@pytest.mark.django_db
def test_action_page_clears_timeframe_for_blank_wording(admin_client):
    action = ActionFactory()

    submit(admin_client, admin_url(Action, "change", action.pk), Action, timeframe_wording="")

    action.refresh_from_db()
    assert action.timeframe is None


@pytest.mark.django_db
def test_strand_page_offers_only_its_own_plans_themes(admin_client):
    strand = StrandFactory()
    own = ThemeFactory(plan=strand.priority.plan, name="Prevention")
    other = ThemeFactory(plan=AnnualPlanFactory(), name="Analytical review")

    response = admin_client.get(admin_url(Strand, "change", strand.pk))

    assert f'value="{own.pk}">{own.name}</option>' in response.text
    assert other.name not in response.text


@pytest.mark.django_db
def test_timeframe_page_keeps_dates_set_by_hand(admin_client):
    timeframe = TimeframeFactory(wording="When funding allows")

    submit(
        admin_client,
        admin_url(Timeframe, "change", timeframe.pk),
        Timeframe,
        set_by_hand="on",
        due_date="2018-01-31",
    )

    timeframe.refresh_from_db()
    assert timeframe.due_date == date(2018, 1, 31)
    assert timeframe.needs_review is False


@pytest.mark.django_db
def test_timeframe_page_asks_before_dropping_dates_not_set_by_hand(admin_client):
    timeframe = TimeframeFactory(wording="When funding allows")
    url = admin_url(Timeframe, "change", timeframe.pk)
    data = form_data(admin_client.get(url), Timeframe) | {"due_date": "2018-01-31"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "set_by_hand" in response.context["adminform"].form.errors
    timeframe.refresh_from_db()
    assert timeframe.due_date is None


@pytest.mark.django_db
def test_an_actions_lead_agency_and_partners_are_plain_choices_not_autocompletes(admin_client):
    """Plain selects and checkboxes: admin's select2 autocompletes fail the accessibility
    checks (tests/browser/test_every_page.py)."""
    AgencyFactory(name="Lewisham Council")
    AgencyFactory(name="Metropolitan Police Service")

    page = admin_client.get(reverse("admin:actions_action_add")).content.decode()

    assert "admin-autocomplete" not in page
    assert 'type="checkbox" name="partner_agencies"' in page
    assert ">Metropolitan Police Service</option>" in page


@pytest.mark.django_db
def test_user_changelist_shows_officers_agency(admin_client):
    ProfileFactory(user__username="officer", agency__name="Lewisham Council")

    response = admin_client.get(reverse("admin:auth_user_changelist"))

    assert "Lewisham Council" in response.text


@pytest.mark.django_db
def test_non_staff_user_is_sent_to_admin_sign_in(member_client):
    response = member_client.get(admin_url(Agency, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Action, AnnualPlan, Timeframe, Strand, Priority])
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    strand = StrandFactory()
    ActionFactory(strand=strand)
    url = admin_url(model, "changelist")
    few = _count_queries(admin_client, url)

    for _ in range(4):
        ActionFactory(strand=StrandFactory(priority__plan=AnnualPlanFactory()))
    many = _count_queries(admin_client, url)

    assert many == few


@pytest.mark.django_db
def test_action_page_refuses_theme_of_another_plan(admin_client):
    action = ActionFactory()
    other_plans_theme = ThemeFactory(plan=AnnualPlanFactory())
    url = admin_url(Action, "change", action.pk)
    data = form_data(admin_client.get(url), Action) | {"theme": str(other_plans_theme.pk)}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "theme" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_action_moved_to_another_plan_gets_that_plans_timeframe(admin_client):
    action = ActionFactory(strand__priority__plan__financial_year=2017)
    later_strand = StrandFactory(priority__plan__financial_year=2018)

    submit(
        admin_client,
        admin_url(Action, "change", action.pk),
        Action,
        strand=later_strand.pk,
        theme="",
        timeframe_wording="March",
    )

    action.refresh_from_db()
    assert action.timeframe.plan == later_strand.plan
    assert action.timeframe.due_date == date(2019, 3, 31)


@pytest.mark.django_db
def test_new_strand_saves_its_actions_with_the_plans_timeframes(admin_client):
    priority = PriorityFactory()

    submit(
        admin_client,
        admin_url(Strand, "add"),
        Strand,
        priority=priority.pk,
        title="Peer on peer abuse",
        slug="peer-on-peer-abuse",
        **{"actions-0-text": "Train school staff.", "actions-0-timeframe_wording": "Sept 17"},
    )

    action = Action.objects.get(text="Train school staff.")
    assert action.timeframe.plan == priority.plan
    assert action.timeframe.due_date == date(2017, 9, 30)


@pytest.mark.django_db
def test_action_add_page_saves_action_with_timeframe_of_its_plan(admin_client):
    strand = StrandFactory(priority__plan__financial_year=2017)
    theme = ThemeFactory(plan=strand.plan)

    submit(
        admin_client,
        admin_url(Action, "add"),
        Action,
        strand=strand.pk,
        theme=theme.pk,
        text="Map the night-time economy.",
        timeframe_wording="Review quarterly",
    )

    action = Action.objects.get(text="Map the night-time economy.")
    assert action.timeframe.plan == strand.plan
    assert action.timeframe.cadence == Timeframe.Cadence.QUARTERLY


@pytest.mark.django_db
def test_an_actions_page_says_why_its_timeframe_needs_dates(admin_client):
    action = ActionFactory(timeframe=None)
    action.timeframe = Timeframe.for_wording(action.plan, "TBC")
    action.save()

    response = admin_client.get(admin_url(Action, "change", action.pk))

    assert "To be confirmed: no date yet" in response.text
    assert "Set its dates on the" in response.text
