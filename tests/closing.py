"""Closing a quarter in a test as the chair's button does (reviews/views.py close_quarter): with
the quarterly review's snapshot."""

from plans import year
from reviews import rollup


def review_snapshot(plan, quarter, on):
    """The review's JSON, as the quarterly page's close button keeps it."""
    return rollup.compute_review(plan, quarter, on=on).to_json()


def close_quarter(plan, quarter, *, by, on=None):
    """Close the plan's quarter (1–4) on a day (today by default), keeping its review."""
    return year.close_quarter(plan, quarter, by=by, snapshot=review_snapshot, on=on)
