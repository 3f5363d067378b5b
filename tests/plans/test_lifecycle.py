"""A plan's year: draft → consultation → signed off → active → closed, each move made only by
the role allowed to make it, recorded in the audit trail, through the plan's status page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agencies import roles
from plans import lifecycle
from plans.models import AnnualPlan, PlanStatus
from tests.conftest import in_role
from tests.factories import (
    AnnualPlanFactory,
    CommentFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db

DRAFT = PlanStatus.DRAFT
CONSULTATION = PlanStatus.CONSULTATION
SIGNED_OFF = PlanStatus.SIGNED_OFF
ACTIVE = PlanStatus.ACTIVE
CLOSED = PlanStatus.CLOSED

# (from, to, who may make the move)
ALLOWED = [
    (DRAFT, CONSULTATION, "administrator"),
    (CONSULTATION, DRAFT, "administrator"),
    (CONSULTATION, SIGNED_OFF, "chair"),
    (SIGNED_OFF, ACTIVE, "administrator"),
    (ACTIVE, CLOSED, "administrator"),
]
ROLE_GROUPS = {
    "administrator": roles.ADMINISTRATORS,
    "chair": roles.CHAIR_AND_MEMBERS,
    "officer": roles.OFFICERS,
}


def person(role):
    user = UserFactory(username=f"a-{role}", first_name="Pat", last_name=role.capitalize())
    if role == "superuser":
        user.is_superuser = True
        user.save()
    else:
        in_role(user, ROLE_GROUPS[role])
    return user


def status_url(plan):
    return reverse("plans:status", args=[plan.slug])


def post_move(client, plan, to, expected=None):
    return client.post(status_url(plan), {"to": to, "expected": expected or plan.status})


# The table -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target", "role"), ALLOWED)
def test_each_allowed_move_is_made_by_the_role_allowed_to_make_it(client, source, target, role):
    plan = AnnualPlanFactory(status=source)
    client.force_login(person(role))

    response = post_move(client, plan, target)

    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.status == target


@pytest.mark.parametrize(("source", "target", "role"), ALLOWED)
def test_a_superuser_may_make_every_allowed_move(client, source, target, role):
    plan = AnnualPlanFactory(status=source)
    client.force_login(SuperuserFactory())

    assert post_move(client, plan, target).status_code == 302
    plan.refresh_from_db()
    assert plan.status == target


REFUSED_BY_ROLE = [
    pytest.param(source, target, role, id=f"{source}-{target}-{role}")
    for source, target, allowed_role in ALLOWED
    for role in ["administrator", "chair", "officer"]
    if role != allowed_role
]


@pytest.mark.parametrize(("source", "target", "role"), REFUSED_BY_ROLE)
def test_each_allowed_move_is_refused_to_the_other_roles(client, source, target, role):
    plan = AnnualPlanFactory(status=source)
    client.force_login(person(role))

    response = post_move(client, plan, target)

    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == source
    assert plan.history.count() == 1


NOT_IN_THE_TABLE = [
    pytest.param(source, target, id=f"{source}-{target}")
    for source in PlanStatus.values
    for target in PlanStatus.values
    if (source, target) not in {(s, t) for s, t, _ in ALLOWED}
]


@pytest.mark.parametrize(("source", "target"), NOT_IN_THE_TABLE)
@pytest.mark.parametrize("role", ["administrator", "chair", "superuser"])
def test_a_move_not_in_the_table_is_refused_to_everyone(client, source, target, role):
    plan = AnnualPlanFactory(status=source)
    client.force_login(person(role))

    response = post_move(client, plan, target)

    assert response.status_code == 400
    assert "There is a problem" in text_of(response)
    plan.refresh_from_db()
    assert plan.status == source


@pytest.mark.parametrize(("source", "target"), NOT_IN_THE_TABLE)
def test_an_officer_is_refused_any_move(client, source, target):
    plan = AnnualPlanFactory(status=source)
    client.force_login(person("officer"))

    assert post_move(client, plan, target).status_code == 403


def test_a_status_that_does_not_exist_is_a_bad_request(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.force_login(person("administrator"))

    response = post_move(client, plan, "published")

    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == DRAFT


def test_a_move_without_the_status_shown_is_a_bad_request(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.force_login(person("administrator"))

    response = client.post(status_url(plan), {"to": CONSULTATION})

    assert response.status_code == 400


def test_the_lifecycle_refuses_a_move_to_someone_without_its_permission():
    plan = AnnualPlanFactory(status=CONSULTATION)

    with pytest.raises(PermissionDenied):
        lifecycle.change_status(plan, SIGNED_OFF, person("administrator"), CONSULTATION)


def test_the_moves_offered_are_those_the_person_may_make():
    plan = AnnualPlanFactory(status=CONSULTATION)

    def offered(role):
        return [t.target for t in lifecycle.allowed_transitions(plan, person(role))]

    assert offered("administrator") == [DRAFT]
    assert offered("chair") == [SIGNED_OFF]
    assert offered("officer") == []
    assert offered("superuser") == [DRAFT, SIGNED_OFF]


# What a move records ---------------------------------------------------------------------------


def test_signing_off_records_when_and_by_whom(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    chair = person("chair")
    client.force_login(chair)
    before = timezone.now()

    post_move(client, plan, SIGNED_OFF)

    plan.refresh_from_db()
    assert plan.signed_off_by == chair
    assert before <= plan.signed_off_at <= timezone.now()


def test_later_moves_keep_the_sign_off(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    chair = person("chair")
    lifecycle.change_status(plan, SIGNED_OFF, chair, CONSULTATION)
    signed_off_at = plan.signed_off_at
    client.force_login(person("administrator"))

    post_move(client, plan, ACTIVE)

    plan.refresh_from_db()
    assert (plan.status, plan.signed_off_at, plan.signed_off_by) == (ACTIVE, signed_off_at, chair)


@pytest.mark.parametrize(
    ("source", "target", "role", "reason"),
    [
        (DRAFT, CONSULTATION, "administrator", "Opened for comment"),
        (CONSULTATION, DRAFT, "administrator", "Returned to draft"),
        (CONSULTATION, SIGNED_OFF, "chair", "Signed off"),
        (SIGNED_OFF, ACTIVE, "administrator", "Delivery started"),
        (ACTIVE, CLOSED, "administrator", "Closed"),
    ],
)
def test_each_move_is_in_the_audit_trail_with_who_and_why(client, source, target, role, reason):
    plan = AnnualPlanFactory(status=source)
    user = person(role)
    client.force_login(user)

    post_move(client, plan, target)

    record = plan.history.latest()
    assert record.status == target
    assert record.history_user == user
    assert record.history_change_reason == reason


def test_a_move_made_outside_a_request_still_records_who_made_it():
    plan = AnnualPlanFactory(status=DRAFT)
    user = person("administrator")

    lifecycle.change_status(plan, CONSULTATION, user, DRAFT)

    assert plan.history.latest().history_user == user
    assert plan.status == CONSULTATION


# A page shown before someone else moved the plan -------------------------------------------


def test_a_move_from_a_status_the_plan_has_left_is_refused_as_a_conflict(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    lifecycle.change_status(plan, SIGNED_OFF, person("chair"), CONSULTATION)
    client.force_login(person("administrator"))

    # The administrator's page still showed the plan out for consultation.
    response = post_move(client, plan, DRAFT, expected=CONSULTATION)

    assert response.status_code == 409
    page = text_of(response)
    assert "The plan’s status has changed" in page
    assert "Signed off by Pat Chair on" in page
    assert "Nothing has been changed" in page
    assert status_url(plan) in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == SIGNED_OFF


def test_the_same_move_sent_twice_is_made_once(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.force_login(person("administrator"))

    assert post_move(client, plan, CONSULTATION, expected=DRAFT).status_code == 302
    assert post_move(client, plan, CONSULTATION, expected=DRAFT).status_code == 409
    assert plan.history.filter(history_change_reason="Opened for comment").count() == 1


# The status page -------------------------------------------------------------------------------


def test_the_status_page_shows_the_history_of_the_plans_status_in_words(client):
    plan = AnnualPlanFactory(status=DRAFT)
    admin, chair = person("administrator"), person("chair")
    lifecycle.change_status(plan, CONSULTATION, admin, DRAFT)
    lifecycle.change_status(plan, SIGNED_OFF, chair, CONSULTATION)
    moment = datetime(2018, 4, 12, 10, 3, tzinfo=ZoneInfo("Europe/London"))
    plan.history.filter(history_change_reason="Signed off").update(history_date=moment)
    client.force_login(person("officer"))

    response = client.get(status_url(plan))

    assert response.status_code == 200
    page = text_of(response)
    assert "Opened for comment by Pat Administrator on" in page
    assert "Signed off by Pat Chair on 12 April 2018 at 10:03" in page
    # An officer reads the history, with no buttons.
    assert f'action="{status_url(plan)}"' not in response.content.decode()


def test_the_status_page_offers_each_permitted_move_in_a_csrf_protected_form(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    client.force_login(SuperuserFactory())

    response = client.get(status_url(plan))

    html = response.content.decode()
    forms = html.split(f'<form method="post" action="{status_url(plan)}"')[1:]
    assert len(forms) == 2
    assert all('name="csrfmiddlewaretoken"' in form.split("</form>")[0] for form in forms)
    assert 'name="to" value="draft"' in html
    assert 'name="to" value="signed_off"' in html
    assert 'name="expected" value="consultation"' in html
    assert "Return to draft" in html
    assert "Sign off" in html


def test_the_status_page_refuses_a_post_without_its_csrf_token(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.handler.enforce_csrf_checks = True
    client.force_login(person("administrator"))

    response = post_move(client, plan, CONSULTATION)

    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == DRAFT


def test_the_chair_is_warned_of_comments_not_yet_addressed_but_may_sign_off(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    CommentFactory.create_batch(3, plan=plan)
    CommentFactory(plan=plan, addressed_at=timezone.now())
    client.force_login(person("chair"))

    page = text_of(client.get(status_url(plan)))

    assert "3 comments have not been marked addressed" in page
    assert post_move(client, plan, SIGNED_OFF).status_code == 302


def test_a_move_returns_to_the_plan_with_a_banner(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.force_login(person("administrator"))

    response = post_move(client, plan, CONSULTATION)
    page = text_of(client.get(response["Location"]))

    assert "The plan is out for consultation" in page


def test_the_status_page_is_not_found_for_a_plan_that_does_not_exist(client):
    client.force_login(person("administrator"))

    assert client.get("/p/lewisham/plans/no-such-plan/status/").status_code == 404


# The plan's page and admin -----------------------------------------------------------------


def test_the_plan_page_says_when_and_by_whom_a_plan_was_signed_off(client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    lifecycle.change_status(plan, SIGNED_OFF, person("chair"), CONSULTATION)
    AnnualPlan.objects.filter(pk=plan.pk).update(
        signed_off_at=datetime(2018, 4, 12, 10, 3, tzinfo=ZoneInfo("Europe/London")),
        status=ACTIVE,
    )
    client.force_login(person("officer"))

    page = text_of(client.get(plan.get_absolute_url()))

    assert "Signed off on 12 April 2018 by Pat Chair" in page
    assert "Plan status and history" in page


def test_the_plan_page_of_a_draft_does_not_say_signed_off(client):
    plan = AnnualPlanFactory(status=DRAFT)
    client.force_login(person("officer"))

    page = text_of(client.get(plan.get_absolute_url()))

    assert "Signed off on" not in page
    assert "Draft" in page


def test_admin_shows_the_status_read_only_with_a_link_to_the_status_page(admin_client):
    plan = AnnualPlanFactory(status=DRAFT)

    response = admin_client.get(reverse("admin:plans_annualplan_change", args=[plan.pk]))

    html = response.content.decode()
    assert 'name="status"' not in html
    assert status_url(plan) in html


def test_admin_cannot_change_the_status_by_posting_it(admin_client):
    plan = AnnualPlanFactory(status=DRAFT, title="Safer Plan", slug="safer-plan")
    url = reverse("admin:plans_annualplan_change", args=[plan.pk])
    data = {
        "title": "Safer Plan",
        "slug": "safer-plan",
        "strategy": plan.strategy_id,
        "financial_year": "2017",
        "status": SIGNED_OFF,
        "summary": "",
    }
    for prefix in ["themes", "priorities", "principles", "key_questions", "drivers"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, text_of(response)
    plan.refresh_from_db()
    assert plan.status == DRAFT


def test_admin_warns_that_a_signed_off_plan_is_signed_off(admin_client):
    plan = AnnualPlanFactory(status=CONSULTATION)
    lifecycle.change_status(plan, SIGNED_OFF, person("chair"), CONSULTATION)

    response = admin_client.get(reverse("admin:plans_annualplan_change", args=[plan.pk]))

    assert "This plan was signed off on" in text_of(response)
    assert "recorded in its history" in text_of(response)


def test_a_new_plan_in_admin_starts_as_a_draft(admin_client):
    response = admin_client.get(reverse("admin:plans_annualplan_add"))

    assert "A new plan starts as a draft" in text_of(response)
