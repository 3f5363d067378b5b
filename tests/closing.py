"""Closing a quarter in a test as the chair's button does (reviews/views/closing.py): with the
quarterly review's snapshot."""

from plans import year
from reviews import building


def close_quarter(plan, quarter, *, by, on=None):
    """Close the plan's quarter (1–4) on a day (today by default), keeping its review."""
    return year.close_quarter(plan, quarter, by=by, snapshot=building.review_snapshot, on=on)
