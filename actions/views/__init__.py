"""The officers' pages: their own actions, an action's page, and recording progress."""

from .detail import action_detail
from .mine import my_actions
from .update import record_progress

__all__ = ["action_detail", "my_actions", "record_progress"]
