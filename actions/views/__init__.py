"""The officers' pages: an action's page and recording progress (their own actions are listed on
My updates: rounds/views.py)."""

from .detail import action_detail
from .update import record_progress

__all__ = ["action_detail", "record_progress"]
