"""A closed quarter's snapshot: its ``QuarterlyReview`` as JSON, kept in the quarter's closure
(plans.QuarterClosure.snapshot) when it is closed, and read back for its page, pack and exports.

Fields missing from an older snapshot take their dataclass defaults, and fields it has that the
code no longer knows are ignored, so that every snapshot ever taken still loads. Who closed the
quarter and when are the closure's own fields, not the snapshot's.
"""

from dataclasses import asdict, fields
from datetime import date, datetime
from decimal import Decimal

from agencies.models import display_name

from .figures import (
    ActionRow,
    Breakdown,
    Figures,
    IndicatorFigures,
    IndicatorPoint,
    IndicatorRow,
    QuarterlyReview,
)

# Bumped if the snapshot's shape ever changes in a way from_json must know about.
SNAPSHOT_SCHEMA = 1

# Figures' counts as older snapshots name them: {old name: name now}.
FIGURES_RENAMED = {"blue": "rated_complete"}


def to_json(review: QuarterlyReview) -> dict:
    """A JSON-ready dict (dates as ISO strings), for a closed quarter's snapshot."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "plan_id": review.plan_id,
        "plan_slug": review.plan_slug,
        "plan_title": review.plan_title,
        "financial_year": review.financial_year,
        "quarter": review.quarter,
        "quarter_label": review.quarter_label,
        "months_label": review.months_label,
        "generated_at": _datetime_json(review.generated_at),
        "figures": asdict(review.figures),
        "by_priority": [_breakdown_json(b) for b in review.by_priority],
        "by_theme": [_breakdown_json(b) for b in review.by_theme],
        "by_agency": [_breakdown_json(b) for b in review.by_agency],
        "rows": [_row_json(row) for row in review.rows],
        "trend": [[number, asdict(figures)] for number, figures in review.trend],
        "closed_at": _datetime_json(review.closed_at),
        "closed_by": review.closed_by,
        "indicators": [_indicator_json(row) for row in review.indicators],
        "indicator_figures": asdict(review.indicator_figures),
    }


def from_json(data: dict) -> QuarterlyReview:
    """The review a snapshot (``to_json``, possibly through JSON text) holds."""
    return QuarterlyReview(
        plan_id=data["plan_id"],
        plan_slug=data["plan_slug"],
        plan_title=data["plan_title"],
        financial_year=data["financial_year"],
        quarter=data["quarter"],
        quarter_label=data["quarter_label"],
        months_label=data["months_label"],
        generated_at=_datetime_from(data["generated_at"]),
        figures=figures_from(data["figures"]),
        by_priority=[_breakdown_from(b) for b in data["by_priority"]],
        by_theme=[_breakdown_from(b) for b in data["by_theme"]],
        by_agency=[_breakdown_from(b) for b in data["by_agency"]],
        rows=[_row_from(row) for row in data["rows"]],
        trend=[(number, figures_from(figures)) for number, figures in data["trend"]],
        closed_at=_datetime_from(data.get("closed_at")),
        closed_by=data.get("closed_by", ""),
        indicators=[_indicator_from(row) for row in data.get("indicators", ())],
        indicator_figures=indicator_figures_from(data.get("indicator_figures") or {}),
    )


def closed_review(closure) -> QuarterlyReview:
    """The review a closed quarter's closure (plans.QuarterClosure, with its ``closed_by``
    fetched) kept, with who closed it and when."""
    review = from_json(closure.snapshot)
    review.closed_at = closure.closed_at
    review.closed_by = display_name(closure.closed_by)
    return review


def indicator_figures_from(data: dict) -> IndicatorFigures:
    """A snapshot's indicator figures (none in snapshots taken before indicators existed)."""
    return IndicatorFigures(**_known(IndicatorFigures, data))


def figures_from(data: dict) -> Figures:
    """Figures from a snapshot's dict: the dashboard reads them straight from the database."""
    renamed = {FIGURES_RENAMED.get(name, name): value for name, value in data.items()}
    return Figures(**_known(Figures, renamed))


def _datetime_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime_from(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _known(cls, data: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {name: value for name, value in data.items() if name in names}


def _breakdown_json(breakdown: Breakdown) -> dict:
    return {
        "label": breakdown.label,
        "key": list(breakdown.key),
        "figures": asdict(breakdown.figures),
        "children": [_breakdown_json(child) for child in breakdown.children],
    }


def _breakdown_from(data: dict) -> Breakdown:
    return Breakdown(
        label=data["label"],
        key=tuple(data["key"]),
        figures=figures_from(data["figures"]),
        children=tuple(_breakdown_from(child) for child in data.get("children", ())),
    )


def _row_json(row: ActionRow) -> dict:
    data = asdict(row)
    data["due_date"] = row.due_date.isoformat() if row.due_date else None
    data["updated_at"] = _datetime_json(row.updated_at)
    return data


def _row_from(data: dict) -> ActionRow:
    values = _known(ActionRow, data)
    values["due_date"] = date.fromisoformat(data["due_date"]) if data.get("due_date") else None
    values["updated_at"] = _datetime_from(data.get("updated_at"))
    return ActionRow(**values)


def _decimal_json(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _decimal_from(value) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _indicator_json(row: IndicatorRow) -> dict:
    data = asdict(row)
    for name in ("baseline_value", "target", "value"):
        data[name] = _decimal_json(data[name])
    data["trend"] = [
        {**point, "value": _decimal_json(point["value"]), "target": _decimal_json(point["target"])}
        for point in data["trend"]
    ]
    return data


def _indicator_from(data: dict) -> IndicatorRow:
    values = _known(IndicatorRow, data)
    for name in ("baseline_value", "target", "value"):
        values[name] = _decimal_from(data.get(name))
    values["trend"] = tuple(
        IndicatorPoint(
            **{
                **_known(IndicatorPoint, point),
                "value": _decimal_from(point.get("value")),
                "target": _decimal_from(point.get("target")),
            }
        )
        for point in data.get("trend", ())
    )
    return IndicatorRow(**values)
