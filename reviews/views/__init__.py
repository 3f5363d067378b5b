"""The quarterly review's pages: a plan's quarter (quarter.py), closing and reopening it after the
meeting (closing.py), its downloads (downloads.py) and the dashboard of every plan in delivery
(dashboard.py)."""
