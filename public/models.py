"""The public pages have no models of their own: they show published plans (plans.AnnualPlan
with published_at set) and their closed quarters' snapshots (plans.QuarterClosure)."""
