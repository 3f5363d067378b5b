"""Closed quarters are not edited in Plan administration: a quarter is closed from its quarterly
page (which takes the snapshot of its figures) and reopened there by an administrator, and the
page lists when it was closed and reopened, and by whom (the closures' history)."""
