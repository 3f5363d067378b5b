"""The plan's own pages: its status page (moving it through its year) and publishing it. The plan's
page itself and rolling it forward list and carry actions, so they are the actions app's
(actions/views/plan.py, actions/views/rollforward.py), at the plan's addresses all the same."""

from .publishing import publish
from .status import change_status

__all__ = ["change_status", "publish"]
