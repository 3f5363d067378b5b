"""The officers' pages: an action's page and recording progress (their own actions are listed on
My updates: rounds/views.py); and the plan pages made of its actions: the plan's page and rolling
it forward."""

from .detail import action_detail
from .plan import plan_detail
from .rollforward import roll_forward
from .update import record_progress

__all__ = ["action_detail", "plan_detail", "record_progress", "roll_forward"]
