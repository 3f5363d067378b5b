"""A plan's update window for each quarter: when officers are asked for the quarter's updates.

A window is made with the defaults in settings the first time it is needed (the round's command
makes it; pages only read it, see ``planned_window``); an administrator changes one window's
dates in admin, and the round follows what is saved.
"""

from datetime import date, timedelta

from django.conf import settings

from plans.quarters import QUARTER_NUMBERS

from .models import UpdateWindow


def default_dates(plan, quarter: int) -> tuple[date, date]:
    """(opens_on, closes_on) for a quarter of the plan by the settings: by default from two
    weeks before the quarter ends to ten days after."""
    end = plan.quarter(quarter).end_date
    return (
        end - timedelta(days=settings.UPDATE_WINDOW_OPENS_DAYS_BEFORE_END),
        end + timedelta(days=settings.UPDATE_WINDOW_CLOSES_DAYS_AFTER_END),
    )


def window_for(plan, quarter: int) -> UpdateWindow:
    """The plan's window for a quarter (1–4), saved with the default dates if it has none yet."""
    if quarter not in QUARTER_NUMBERS:
        raise ValueError(f"A quarter is numbered 1 to 4, not {quarter!r}.")
    opens_on, closes_on = default_dates(plan, quarter)
    window, _ = UpdateWindow.objects.get_or_create(
        plan=plan, quarter=quarter, defaults={"opens_on": opens_on, "closes_on": closes_on}
    )
    window.plan = plan  # the caller's copy: no query to read it back
    return window


def planned_window(plan, quarter: int, saved: dict | None = None) -> UpdateWindow:
    """The plan's window for a quarter as it is or will be, without saving anything (for pages,
    which are read with GET): the saved window, else an unsaved one with the default dates.
    ``saved`` maps quarter numbers to the plan's windows already fetched, saving a query."""
    if saved is None:
        saved = {window.quarter: window for window in UpdateWindow.objects.filter(plan=plan)}
    window = saved.get(quarter)
    if window is None:
        opens_on, closes_on = default_dates(plan, quarter)
        window = UpdateWindow(plan=plan, quarter=quarter, opens_on=opens_on, closes_on=closes_on)
    window.plan = plan
    return window
