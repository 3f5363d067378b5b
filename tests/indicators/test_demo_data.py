"""The demo data's performance indicators (seed_demo): realistic, labelled as demo figures,
consistent with the narratives, loaded idempotently."""

from decimal import Decimal

import pytest

from demo.loading import (
    DEMO_DATA_FILE,
    DEMO_SHARED_FILE,
    DemoDataError,
    load_demo_data,
    load_indicator_definitions,
    read_demo_file,
)
from indicators.models import Indicator, IndicatorValue

PLAN_17_18 = "safer-lewisham-plan-17-18"


def seed():
    """As seed_demo loads the partnership's file: after the shared indicator definitions."""
    load_indicator_definitions(read_demo_file(DEMO_SHARED_FILE))
    load_demo_data(read_demo_file(DEMO_DATA_FILE), create_users=True)


@pytest.mark.django_db
def test_the_17_18_plan_has_its_indicators_labelled_as_demo_figures(demo_data):

    indicators = Indicator.objects.filter(plan__slug=PLAN_17_18)
    assert indicators.count() == 8
    assert not Indicator.objects.exclude(plan__slug=PLAN_17_18).exists()
    for indicator in indicators:
        assert indicator.description.startswith("Demo figures."), indicator
        assert indicator.source_agency is not None, indicator
    names = set(indicators.values_list("name", flat=True))
    assert {
        "Domestic Violence Protection Orders applied for",
        "Clare's Law disclosures made",
        "FGM Protection Orders applied for",
        "Referrals to VAWG services (Athena)",
        "Knife crime with injury offences",
        "Hate crime reports",
        "Residents' confidence in the police",
    } <= names


@pytest.mark.django_db
def test_values_run_to_q3_and_q4_is_left_to_report(demo_data):

    assert IndicatorValue.objects.count() == 19
    assert not IndicatorValue.objects.filter(quarter=4).exists()
    assert not IndicatorValue.objects.filter(rating="").exists()


@pytest.mark.django_db
def test_the_figures_match_the_narratives(demo_data):
    dvpo = dict(
        IndicatorValue.objects.filter(indicator__name__startswith="Domestic Violence").values_list(
            "quarter", "value"
        )
    )

    # Action 1.14's Q2 update: "DVPO applications up from 9 to 14".
    assert (dvpo[1], dvpo[2]) == (Decimal("9"), Decimal("14"))
    # Action 1.11: referrals amber, green, amber.
    referrals = Indicator.objects.get(name__startswith="Referrals to VAWG")
    assert list(referrals.values.order_by("quarter").values_list("rating", flat=True)) == [
        "amber",
        "green",
        "amber",
    ]
    knife = Indicator.objects.get(name="Knife crime with injury offences")
    assert knife.direction == Indicator.Direction.LOWER
    confidence = Indicator.objects.get(name="Residents' confidence in the police")
    assert (confidence.unit, confidence.frequency) == ("percentage", "annual")


@pytest.mark.django_db
def test_loading_twice_changes_no_indicator_or_value():
    seed()
    before = (
        list(Indicator.history.values_list("history_id", flat=True)),
        list(IndicatorValue.history.values_list("history_id", flat=True)),
        list(IndicatorValue.objects.values_list("version", "rating")),
    )

    seed()

    after = (
        list(Indicator.history.values_list("history_id", flat=True)),
        list(IndicatorValue.history.values_list("history_id", flat=True)),
        list(IndicatorValue.objects.values_list("version", "rating")),
    )
    assert after == before


SMALL = """
partnership: {slug: lewisham, name: Safer Lewisham Partnership}
agencies:
  - {slug: police, name: Police}
plans:
  - slug: tiny
    title: Tiny plan
    financial_year: 2017
    status: active
    indicators:
      - name: Stops
        source_agency: police
        strand: %s
        targets: {1: 5}
        values:
          - {quarter: 1, value: 4}
"""


@pytest.mark.django_db
def test_an_indicator_naming_an_unknown_strand_is_refused_and_nothing_is_saved():
    import yaml

    with pytest.raises(DemoDataError, match='unknown strand "nowhere"'):
        load_demo_data(yaml.safe_load(SMALL % "nowhere"), create_users=False)

    assert not Indicator.objects.exists()
