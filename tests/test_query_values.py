"""No value in an address's query string causes a server error: every page that reads one is
sent odd values for each parameter it reads (a number of 4,301 digits, which Python refuses to
read; digits that are not ASCII; numbers too big for a database id; nothing; a NUL; very long
text), and answers either 400 saying what is wrong, or its usual page with the value ignored.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from agencies import roles
from tests.conftest import in_role
from tests.django_messages import django_defaults_in
from tests.factories import (
    ActionFactory,
    CommentFactory,
    IndicatorFactory,
    ProfileFactory,
    StrandFactory,
    UserFactory,
)
from tests.pages import text_of

ODD_VALUES = {
    "4,301 digits": "1" * 4301,
    "a superscript two": "²",
    "an Arabic-Indic three": "٣",
    "a full-width one": "１",
    "1e9999": "1e9999",
    "2 to the 63": str(2**63),
    "minus one": "-1",
    "nothing": "",
    "a NUL": "\x00",
    "very long text": "strand" * 2000,
}
# Longer than this, a value the page repeats back is shortened rather than shown in full.
LONG = 100


@dataclass
class Page:
    """A page that reads query-string values: its address, the parameters it reads, who reads
    it, and what its usual page (the value ignored) and its refusal (400) say."""

    url: object  # site -> address
    parameters: list[str]
    role: str
    # What the usual page says, or None where no odd value can be ignored: each is refused.
    usual: str | None
    refusal: str = "There is a problem"
    # Other answers that make sense for a value that names nothing (a missing strand: 404).
    also: dict | None = None


PAGES = {
    "quarter's action list": Page(
        lambda site: reverse("reviews:actions", args=[site.plan.slug, 3]),
        ["figure", "priority", "strand", "theme", "agency"],
        "member",
        usual=None,
        refusal="There is a problem with the list of actions",
    ),
    "progress form": Page(
        lambda site: reverse("actions:update", args=[site.action.pk]),
        ["quarter"],
        "officer",
        usual=None,
        refusal="There is a problem with the quarter",
    ),
    "indicator value form": Page(
        lambda site: reverse("indicators:record", args=[site.indicator.pk]),
        ["quarter"],
        "officer",
        usual="Record a value for",
        refusal="There is a problem with the quarter",
    ),
    "my actions": Page(
        lambda site: reverse("actions:mine"),
        ["q", "plan", "strand", "theme", "completion", "rag", "late", "update_due"],
        "officer",
        usual="Filter your actions",
    ),
    "comment list": Page(
        lambda site: reverse("consultation:list", args=[site.comment.plan.slug]),
        ["show"],
        "member",
        usual="Comments on the plan",
    ),
    "comment form": Page(
        lambda site: reverse("consultation:add", args=[site.comment.plan.slug]),
        ["strand", "action"],
        "member",
        usual="Comment on the plan",
        also={404: "Page not found"},
    ),
    "import upload (admin)": Page(
        lambda site: reverse("admin:imports_planimport_upload"),
        ["plan"],
        "administrator",
        usual="Spreadsheet",
    ),
    "plans (admin)": Page(
        lambda site: reverse("admin:plans_annualplan_changelist"),
        ["financial_year"],
        "administrator",
        usual="Select annual plan to change",
        # Admin's answer to a filter it cannot apply: back to the list with ?e=1.
        also={302: ""},
    ),
}
CASES = [
    pytest.param(page, parameter, value, id=f"{page}-{parameter}-{name}")
    for page, spec in PAGES.items()
    for parameter in spec.parameters
    for name, value in ODD_VALUES.items()
]


@dataclass
class Site:
    plan: object
    action: object
    indicator: object
    comment: object
    clients: dict


@pytest.fixture
def site(db, led_action, officer, member):
    administrator = UserFactory(username="plan-administrator", is_staff=True, is_superuser=True)
    ProfileFactory(user=administrator, agency=led_action.lead_agency)
    plan = led_action.plan
    ActionFactory(strand=led_action.strand, lead_agency=None, theme=None)
    indicator = IndicatorFactory(plan=plan, source_agency=led_action.lead_agency)
    comment = CommentFactory(plan__slug="in-consultation", plan__status="consultation")
    clients = {}
    for role, user in {
        "officer": officer,
        "member": member,
        "administrator": in_role(administrator, roles.ADMINISTRATORS),
    }.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return Site(plan, led_action, indicator, comment, clients)


@pytest.mark.parametrize(("page", "parameter", "value"), CASES)
def test_an_odd_query_value_is_refused_or_ignored_never_a_server_error(
    site, page, parameter, value
):
    spec = PAGES[page]

    response = site.clients[spec.role].get(spec.url(site), {parameter: value})

    text = text_of(response)
    expected = {400: spec.refusal, **(spec.also or {})}
    if spec.usual is not None:
        expected[200] = spec.usual
    assert response.status_code in expected, f"{response.status_code}: {text[:300]}"
    assert expected[response.status_code] in text
    assert django_defaults_in(text) == []
    if len(value) > LONG:
        assert value not in text
        assert value[:LONG] not in text


def test_a_filter_value_of_4301_digits_is_no_strand_of_the_plan(site):
    url = reverse("reviews:actions", args=[site.plan.slug, 3])

    response = site.clients["member"].get(url, {"strand": "1" * 4301})

    assert response.status_code == 400
    assert f"There is no strand “{'1' * 39}…” in {site.plan.title}." in text_of(response)


def test_a_strand_written_in_other_digits_is_not_the_strand_of_that_number(site):
    url = reverse("reviews:actions", args=[site.plan.slug, 3])
    number = str(site.action.strand_id)
    arabic_indic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    response = site.clients["member"].get(url, {"strand": arabic_indic})

    assert response.status_code == 400
    assert f"There is no strand “{arabic_indic}”" in text_of(response)


def test_the_indicator_form_does_not_take_a_quarter_in_other_digits_for_that_quarter(site):
    """ "?quarter=٣" is not Q3: it is refused, or the form opens on its usual quarter."""
    url = reverse("indicators:record", args=[site.indicator.pk])
    usual = title_of(site.clients["officer"].get(url))
    assert "Q3" not in usual

    response = site.clients["officer"].get(url, {"quarter": "٣"})

    assert response.status_code in (200, 400)
    assert "Q3" not in title_of(response)


def title_of(response):
    return text_of(response).split(" – ")[0]


def test_the_comment_form_does_not_take_a_strand_in_other_digits_for_that_strand(site):
    strand = StrandFactory(priority__plan=site.comment.plan, title="Hate crime")
    url = reverse("consultation:add", args=[site.comment.plan.slug])
    arabic_indic = str(strand.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    response = site.clients["member"].get(url, {"strand": arabic_indic})

    assert response.status_code == 404
    assert "Hate crime" not in text_of(response)
