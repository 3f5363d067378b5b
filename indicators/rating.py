"""Rating an indicator's value against its target: green, amber or red.

Rules:
- The target for a quarter is that quarter's own target (IndicatorTarget) if it has one, else
  the indicator's annual target, else there is none.
- With no target, a value is not rated (the rating is "").
- Green: the value is on the target or better ("better" is higher or lower, as the indicator's
  direction says). Exactly on target is green.
- Amber: worse than the target by no more than the tolerance (the tolerance itself included).
- Red: worse than the target by more than the tolerance.

A value's rating is worked out whenever it is saved (IndicatorValue.save) and again for all of
an indicator's values when its targets, tolerance or direction change
(Indicator.rerate_values). An administrator's override (rating_override, with a reason) is kept
beside it, never in place of it.
"""

from decimal import Decimal

from .models import Indicator, Rating


def target_for(indicator: Indicator, quarter: int, targets=None) -> Decimal | None:
    """The target a value for this quarter (1–4) is rated against: the quarter's own target,
    else the annual target, else None. ``targets`` are the indicator's IndicatorTargets when the
    caller has fetched them already."""
    if targets is None:
        targets = indicator.targets.all()
    for target in targets:
        if target.quarter == quarter:
            return target.value
    return indicator.annual_target


def rate(value, target, direction: str, tolerance=0) -> str:
    """The Rating of a value against a target, or "" when there is no target (or no value)."""
    if value is None or target is None:
        return ""
    value, target = Decimal(value), Decimal(target)
    tolerance = Decimal(tolerance or 0)
    # How far the value falls short of the target, in the direction that is worse.
    if direction == Indicator.Direction.LOWER:
        shortfall = value - target
    else:
        shortfall = target - value
    if shortfall <= 0:
        return Rating.GREEN
    if shortfall <= tolerance:
        return Rating.AMBER
    return Rating.RED
