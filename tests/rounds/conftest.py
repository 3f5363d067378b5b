"""The update round's tests work in the Q3 2017-18 window of an active 2017-18 plan: by default
it opens on 17 December 2017, sends its reminder on 7 January 2018 and closes on 10 January
2018."""

from datetime import date

import pytest

from tests.factories import ActionFactory, AnnualPlanFactory, StrandFactory

OPENS = date(2017, 12, 17)
IN_WINDOW = date(2017, 12, 20)
REMINDER_DAY = date(2018, 1, 7)
CLOSES = date(2018, 1, 10)
AFTER_CLOSE = date(2018, 1, 11)


@pytest.fixture
def plan(db):
    return AnnualPlanFactory(title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017)


@pytest.fixture
def strand(plan):
    return StrandFactory(priority__plan=plan, title="Violence against women and girls")


@pytest.fixture
def due_action(strand, lead_agency):
    """An action of the plan led by the officer's agency, with no update: due in every window."""
    return ActionFactory(
        strand=strand,
        lead_agency=lead_agency,
        reference="1.1",
        text="Run the Open Day with the community.",
    )


@pytest.fixture
def on_day(monkeypatch):
    """Make "today" a given day for the pages (timezone.localdate)."""

    def set_day(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_day
