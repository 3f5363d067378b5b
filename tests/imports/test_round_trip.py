"""The round trip: the demo's 17-18 plan exported with the quarterly review's spreadsheets and
imported into an empty plan gives the same plan.

The export's "Completion" column is each action's completion as of the exported quarter (its
latest progress update's), and its "Completion note" is shown only while that is the action's own
completion (reviews/building.py). So the imported plan's completion is compared with the exported
quarter's, and everything else with the demo plan itself.
"""

import pytest

from actions.models import Action
from imports.applying import import_file
from plans.models import AnnualPlan
from reviews.building import review_for
from reviews.outputs.spreadsheets import build_csv, build_xlsx
from tests.factories import AnnualPlanFactory

DEMO_PLAN = "safer-lewisham-plan-17-18"


def outline(plan) -> dict:
    """The plan as a reader sees it: priorities, strands and themes in order."""
    from priorities.models import Strand

    return {
        "priorities": list(plan.priorities.order_by("order", "id").values_list("title", flat=True)),
        "strands": list(
            Strand.objects.filter(priority__plan=plan)
            .order_by("priority__order", "priority_id", "order", "id")
            .values_list("priority__title", "title")
        ),
        "themes": list(plan.themes.order_by("order", "id").values_list("name", flat=True)),
    }


def actions(plan) -> list[dict]:
    """Every action of the plan in plan order, with everything the import sets but completion."""
    return [
        {
            "strand": action.strand.title,
            "reference": action.reference,
            "text": action.text,
            "sub_items": [(item.label, item.text) for item in action.sub_items.all()],
            "theme": action.theme.name if action.theme else None,
            "lead_agency": action.lead_agency_id,
            "lead_officer": action.lead_officer_id,
            "partners": sorted(agency.pk for agency in action.partner_agencies.all()),
            "timeframe": action.timeframe.wording if action.timeframe else None,
            "due": action.timeframe.due_date if action.timeframe else None,
        }
        for action in Action.objects.filter(strand__priority__plan=plan)
        .for_display()
        .order_by("strand__priority__order", "strand__order", "order", "id")
    ]


def completions(plan) -> list[tuple]:
    return list(
        Action.objects.filter(strand__priority__plan=plan)
        .order_by("strand__priority__order", "strand__order", "order", "id")
        .values_list("reference", "completion_status__name", "completion_note")
    )


@pytest.mark.parametrize("kind, build", [("xlsx", build_xlsx), ("csv", build_csv)])
def test_the_demo_plan_exported_and_imported_into_an_empty_plan_is_the_same_plan(
    demo_plan, kind, build
):
    review = review_for(demo_plan, 3)
    content = build(review)
    empty = AnnualPlanFactory(
        title="Imported 17-18", slug="imported-17-18", financial_year=2017, status="draft"
    )

    outcome = import_file(
        empty, f"safer-lewisham-plan-17-18-Q3-actions.{kind}", content, add_structure=True
    )

    assert outcome.imported, [str(problem) for problem in outcome.preview.problems]
    # The export's "RAG this quarter" and "Latest update" are read as the RAG rating and the
    # progress; a draft plan takes no progress, and says so once for the file.
    [warning] = [str(note) for note in outcome.preview.warnings]
    assert warning.startswith(
        "The columns “RAG this quarter” and “Latest update” are not imported. This plan is still "
        "a draft"
    )
    assert outline(empty) == outline(demo_plan)
    assert actions(empty) == actions(demo_plan)
    assert len(actions(empty)) == 37
    assert any(action["sub_items"] for action in actions(empty))
    assert completions(empty) == [
        (row.reference, row.completion, row.completion_note) for row in review.rows
    ]


def test_importing_the_export_into_its_own_plan_changes_nothing_but_completion(demo_plan):
    """The plan is made a draft again for the test: imports only go into plans not signed off."""
    AnnualPlan.objects.filter(pk=demo_plan.pk).update(status="draft")
    demo_plan.refresh_from_db()
    content = build_xlsx(review_for(demo_plan, 3))

    outcome = import_file(demo_plan, "export.xlsx", content, add_structure=False)

    assert outcome.imported
    changed_fields = {c.label for a in outcome.preview.changed for c in a.changes}
    # Only the completion may differ: the export states it as of the quarter.
    assert changed_fields <= {"Completed", "Completion note"}
    assert outcome.summary["actions_created"] == 0
