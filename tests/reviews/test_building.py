"""The quarterly review's figures (reviews/building.py): what a plan's actions looked like in a
quarter, checked against the demo plan counted by hand and against small plans built here."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.building import review_for
from reviews.figures import ActionRow, Breakdown, Figures, QuarterlyReview
from reviews.snapshot import from_json, to_json
from tests.closing import close_quarter
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AnnualPlanFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)

# A day after the 2017-18 plan's year: every quarter has ended.
AFTER_THE_YEAR = date(2018, 6, 1)


# The demo plan, counted by hand from demo/demo_data/safer_lewisham.yaml --------------------------
#
# 37 actions: strand 1 (VAWG) 1.1–1.15, strand 2 (peer on peer abuse) 2.1–2.11, strand 3 (all
# other violence) 3.1–3.11; every action has a Q1, a Q2 and a Q3 update, so none is "not updated".
# Counted from each update's `rag` and `completion`:
#
# Q1  red: none. amber: 1.4, 1.11, 1.12, 1.14, 3.11 (5). blue: 3.2 (1). green: the other 31.
#     complete (completion "complete" in the Q1 update): 3.2 (1) -> 1 of 37 = 3%.
# Q2  red: 1.12, 3.11 (2). amber: 1.2, 1.4, 1.10, 1.13, 1.14, 2.11 (6).
#     blue: 1.3, 1.5, 1.6, 1.7, 1.8, 1.15, 2.1, 2.2, 2.3, 3.2 (10). green: 37 - 18 = 19.
#     complete: the same 10 blue ones (27%); completed this quarter: those less 3.2 (9).
#     improved since Q1: 1.3, 1.5, 1.6, 1.7, 1.8, 1.15, 2.1, 2.2, 2.3 (green -> blue), 1.11
#     (amber -> green): 10. worsened: 1.2, 1.10, 1.13, 2.11 (green -> amber), 1.12, 3.11
#     (amber -> red): 6.
# Q3  red: 1.2, 1.4, 2.11 (3). amber: 1.10, 1.11, 1.12, 1.13, 1.14, 3.11 (6). blue: the same 10
#     as Q2. green: 37 - 19 = 18. complete: 10 (27%); completed this quarter: none.
#     improved since Q2: 1.12, 3.11 (red -> amber): 2. worsened: 1.2, 1.4 (amber -> red), 1.11
#     (green -> amber), 2.11 (amber -> red): 4.
#
# Late: the timeframes with a due date before 31 March 2018 are "June 17" (3.2, due 30 June
# 2017), "July 17" (1.6, 1.7, 2.1, 2.2: 31 July 2017) and "Sept 17" (1.8, 1.15, 2.3: 30 September
# 2017). As of Q1 (due before 30 June) none is due; as of Q2 (before 30 September) 3.2, 1.6, 1.7,
# 2.1 and 2.2 are due and all complete in Q2; as of Q3 (before 31 December) the Sept ones are due
# too and also complete. So no action is late in Q1, Q2 or Q3.
#
# Q3 by strand: VAWG 15 (red 1.2, 1.4; amber 1.10–1.14; blue 1.3, 1.5–1.8, 1.15; green 1.1, 1.9);
# peer on peer 11 (red 2.11; blue 2.1–2.3; green 2.4–2.10); other violence 11 (amber 3.11; blue
# 3.2; green 3.1, 3.3–3.10).
# Q3 by theme: Awareness raising 1.1–1.7, 2.1, 2.2, 3.1–3.3 (12, red 1.2 and 1.4); Prevention
# 1.8, 1.9, 2.3, 2.4, 3.4–3.6 (7); Action / intervention / enforcement 1.10–1.14, 2.5–2.8, 3.7
# (10); Analytical review 1.15, 2.9–2.11, 3.8–3.11 (8, red 2.11).
# By lead agency: Lewisham Council 19 (1.1–1.5, 1.7, 1.10–1.13, 1.15, 2.2, 2.8–2.10, 3.1, 3.2,
# 3.6, 3.8), Met Police 9 (1.6, 1.14, 2.1, 2.5, 2.11, 3.4, 3.7, 3.10, 3.11), Schools 2, LSCB 2,
# YOS 2, MOPAC 1, Victim Support 1, Lewisham CCG 1.

# Not started, by the completion of the latest update so far: 1.2, 1.4, 1.12 and 3.11 in Q1 and
# Q2; 1.12 started in Q3. Of the actions not complete, every green, amber and red one (none of
# the complete ones is rated anything but blue).
DEMO_FIGURES = {
    1: Figures(
        total=37, complete=1, not_started=4, open_green=31, open_amber=5, open_red=0,
        on_track=31, at_risk=5, off_track=0, rated_complete=1, late=0,
    ),
    2: Figures(
        total=37, complete=10, not_started=4, open_green=19, open_amber=6, open_red=2,
        on_track=19, at_risk=6, off_track=2, rated_complete=10, late=0,
    ),
    3: Figures(
        total=37, complete=10, not_started=3, open_green=18, open_amber=6, open_red=3,
        on_track=18, at_risk=6, off_track=3, rated_complete=10, late=0,
    ),
}  # fmt: skip


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_the_demo_plans_figures_match_the_ones_counted_by_hand(demo_plan, quarter):
    review = review_for(demo_plan, quarter, on=AFTER_THE_YEAR)

    assert review.figures == DEMO_FIGURES[quarter]


@pytest.mark.parametrize(
    ("quarter", "percent", "completed", "improved", "worsened"),
    [(1, 3, ["3.2"], [], []), (2, 27, 9, 10, 6), (3, 27, [], ["1.12", "3.11"], 4)],
)
def test_the_demo_plans_lists_match_the_ones_counted_by_hand(
    demo_plan, quarter, percent, completed, improved, worsened
):
    review = review_for(demo_plan, quarter, on=AFTER_THE_YEAR)

    def counted(rows, expected):
        return [r.reference for r in rows] if isinstance(expected, list) else len(rows)

    assert review.figures.percent_complete == percent
    assert counted(review.completed_this_quarter, completed) == completed
    assert counted(review.improved, improved) == improved
    assert counted(review.worsened, worsened) == worsened


def test_the_demo_plans_q3_exceptions_are_its_reds_then_its_ambers(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    assert [row.reference for row in review.exceptions] == [
        "1.2", "1.4", "2.11", "1.10", "1.11", "1.12", "1.13", "1.14", "3.11",
    ]  # fmt: skip
    worsened = {row.reference for row in review.worsened}
    assert worsened == {"1.2", "1.4", "1.11", "2.11"}


def test_the_demo_plans_q3_breakdowns_match_the_ones_counted_by_hand(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    [violence] = review.by_priority
    assert violence.label == "Violence"
    assert violence.figures == DEMO_FIGURES[3]
    assert [(s.label, s.figures.total, s.figures.off_track, s.figures.at_risk,
             s.figures.rated_complete) for s in violence.children] == [
        ("Violence against women and girls", 15, 2, 5, 6),
        ("Peer on peer abuse / serious violence", 11, 1, 0, 3),
        ("All other forms of violence", 11, 0, 1, 1),
    ]  # fmt: skip
    assert [(t.label, t.figures.total, t.figures.off_track) for t in review.by_theme] == [
        ("Awareness raising", 12, 2),
        ("Prevention", 7, 0),
        ("Action / intervention / enforcement", 10, 0),
        ("Analytical review", 8, 1),
    ]
    assert {a.label: a.figures.total for a in review.by_agency} == {
        "Lewisham CCG": 1,
        "Lewisham Council": 19,
        "LSCB": 2,
        "Met Police": 9,
        "MOPAC": 1,
        "Schools": 2,
        "Victim Support": 1,
        "YOS": 2,
    }


def test_the_demo_plans_trend_holds_each_quarter_so_far(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    assert review.trend == [(1, DEMO_FIGURES[1]), (2, DEMO_FIGURES[2]), (3, DEMO_FIGURES[3])]


@pytest.mark.parametrize("on", [AFTER_THE_YEAR, date(2017, 11, 15)], ids=["after", "in-q3"])
def test_the_trend_counts_each_earlier_quarter_as_that_quarters_own_review_does(demo_plan, on):
    """The trend's earlier quarters are counted without making their rows: the counts must
    be those of each quarter's own review, lateness on the same day included."""
    trend = review_for(demo_plan, 4, on=on).trend

    assert trend[:3] == [
        (number, review_for(demo_plan, number, on=on).figures) for number in (1, 2, 3)
    ]


def test_a_demo_row_says_who_leads_the_action_and_what_its_update_said(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    row = next(r for r in review.rows if r.reference == "1.2")
    assert (row.lead_agency, row.lead_officer, row.updated_by) == (
        "Lewisham Council",
        "Daniel Osei",
        "Daniel Osei",
    )
    assert (row.rag, row.previous_rag, row.movement) == ("red", "amber", "worsened")
    assert row.narrative.startswith("No venue secured")
    assert row.due_date == date(2018, 3, 31)
    assert (row.strand, row.theme, row.timeframe) == (
        "Violence against women and girls",
        "Awareness raising",
        "March 18",
    )


def test_rows_come_in_plan_order(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    references = [row.reference for row in review.rows]
    assert references[:3] == ["1.1", "1.2", "1.3"]
    assert references[14:17] == ["1.15", "2.1", "2.2"]
    assert references[-1] == "3.11"


# Rules, on small plans built here -----------------------------------------------------------


@pytest.fixture
def plan(db):
    return AnnualPlanFactory(financial_year=2017)


@pytest.fixture
def strand(plan):
    return StrandFactory(priority=PriorityFactory(plan=plan))


def action_in(strand, **fields):
    return ActionFactory(strand=strand, **fields)


def test_an_action_with_no_update_counts_as_not_updated_not_green(strand):
    action_in(strand)

    figures = review_for(strand.plan, 1, on=AFTER_THE_YEAR).figures

    assert (figures.total, figures.not_updated, figures.on_track) == (1, 1, 0)


def test_an_action_updated_twice_in_a_quarter_counts_once_with_its_latest_rating(strand):
    # The second update of a quarter amends the first (one row per quarter, see
    # actions/progress.py), so saving it again is how an officer updates twice.
    update = ProgressUpdateFactory(action=action_in(strand), quarter=2, rag_rating="green")
    update.rag_rating = "red"
    update.narrative = "Stalled since the first update."
    update.save()

    review = review_for(strand.plan, 2, on=AFTER_THE_YEAR)

    assert (review.figures.total, review.figures.off_track, review.figures.on_track) == (1, 1, 0)
    assert [row.narrative for row in review.rows] == ["Stalled since the first update."]


def test_an_update_counts_only_for_its_own_quarter(strand):
    action = action_in(strand)
    ProgressUpdateFactory(action=action, quarter=2, rag_rating="amber")

    ratings = [review_for(strand.plan, n, on=AFTER_THE_YEAR).rows[0].rag for n in (1, 2, 3)]

    assert ratings == [None, "amber", None]


@pytest.mark.parametrize(
    ("due", "quarter", "late"),
    [
        ("30 June 2017", 1, False),  # due on the quarter's last day: not yet late
        ("29 June 2017", 1, True),
        ("1 July 2017", 1, False),  # due in the next quarter
        ("30 September 2017", 2, False),
        ("29 September 2017", 2, True),
        ("30 December 2017", 3, True),
        ("31 December 2017", 3, False),
        ("30 March 2018", 4, True),
    ],
)
def test_an_action_is_late_when_due_before_the_quarter_ends_and_not_complete(
    strand, due, quarter, late
):
    timeframe = TimeframeFactory(plan=strand.plan, wording=due)
    action_in(strand, timeframe=timeframe)

    [row] = review_for(strand.plan, quarter, on=AFTER_THE_YEAR).rows

    assert row.is_late is late


def test_in_the_quarter_in_progress_an_action_is_late_once_its_due_date_has_passed(strand):
    timeframe = TimeframeFactory(plan=strand.plan, wording="15 November 2017")
    action_in(strand, timeframe=timeframe)

    before = review_for(strand.plan, 3, on=date(2017, 11, 15)).figures.late
    after = review_for(strand.plan, 3, on=date(2017, 11, 16)).figures.late

    assert (before, after) == (0, 1)


def test_a_complete_action_is_never_late(strand):
    timeframe = TimeframeFactory(plan=strand.plan, wording="July 17")
    action = action_in(strand, timeframe=timeframe)
    ProgressUpdateFactory(
        action=action, quarter=2, rag_rating="blue", completion_status=completion_status("complete")
    )

    assert review_for(strand.plan, 2, on=AFTER_THE_YEAR).figures.late == 0


def test_completion_as_of_a_quarter_is_that_of_the_latest_update_in_or_before_it(strand):
    action = action_in(strand, completion_status=completion_status("complete"))
    ProgressUpdateFactory(
        action=action, quarter=1, completion_status=completion_status("in-progress")
    )
    ProgressUpdateFactory(
        action=action,
        quarter=3,
        rag_rating="blue",
        completion_status=completion_status("complete"),
    )

    rows = [review_for(strand.plan, n, on=AFTER_THE_YEAR).rows[0] for n in (1, 2, 3, 4)]

    assert [(r.completion, r.is_complete) for r in rows] == [
        ("In progress", False),
        ("In progress", False),  # no Q2 update: Q1's still holds
        ("Complete", True),
        ("Complete", True),
    ]
    assert [r.completed_this_quarter for r in rows] == [False, False, True, False]


def test_an_action_with_no_update_has_its_own_completion(strand):
    action_in(strand, completion_status=completion_status("complete"))

    [row] = review_for(strand.plan, 2, on=AFTER_THE_YEAR).rows

    assert (row.completion, row.is_complete, row.rag) == ("Complete", True, None)


def test_the_completion_note_shows_only_with_the_completion_it_qualifies(strand):
    action = action_in(
        strand,
        completion_status=completion_status("complete-with-caveats"),
        completion_note="within YOS and CER",
    )
    ProgressUpdateFactory(action=action, quarter=1)
    ProgressUpdateFactory(
        action=action, quarter=2, completion_status=completion_status("complete-with-caveats")
    )

    notes = [review_for(strand.plan, n, on=AFTER_THE_YEAR).rows[0].completion_note for n in (1, 2)]

    assert notes == ["", "within YOS and CER"]


def test_movement_compares_with_the_previous_quarter(strand):
    action = action_in(strand)
    ProgressUpdateFactory(action=action, quarter=1, rag_rating="amber")
    ProgressUpdateFactory(action=action, quarter=2, rag_rating="green")

    review = review_for(strand.plan, 2, on=AFTER_THE_YEAR)

    assert [row.reference for row in review.improved] == [action.reference]
    assert review.rows[0].previous_rag == "amber"


def test_breakdowns_put_no_theme_and_no_lead_agency_last(plan, strand):
    later, earlier = ThemeFactory(plan=plan, order=2), ThemeFactory(plan=plan, order=1)
    zulu, alpha = AgencyFactory(name="Zulu Trust"), AgencyFactory(name="Alpha Service")
    action_in(strand, theme=None, lead_agency=None)
    action_in(strand, theme=later, lead_agency=zulu)
    action_in(strand, theme=earlier, lead_agency=alpha)

    review = review_for(plan, 1, on=AFTER_THE_YEAR)

    assert [(b.label, b.key) for b in review.by_theme] == [
        (earlier.name, ("theme", earlier.pk)),
        (later.name, ("theme", later.pk)),
        ("No theme", ("theme", None)),
    ]
    assert [b.label for b in review.by_agency] == ["Alpha Service", "Zulu Trust", "No lead agency"]


def test_a_strand_with_no_actions_is_in_the_breakdown_with_zeros(plan, strand):
    empty = StrandFactory(priority=strand.priority, title="Nothing yet", order=9)
    action_in(strand)

    [priority] = review_for(plan, 1, on=AFTER_THE_YEAR).by_priority

    assert [(s.label, s.figures.total) for s in priority.children] == [
        (strand.title, 1),
        (empty.title, 0),
    ]


def test_it_refuses_a_quarter_outside_one_to_four(plan):
    with pytest.raises(ValueError):
        review_for(plan, 5)


def test_a_closed_quarter_gives_its_snapshot_with_who_closed_it(strand):
    action = action_in(strand)
    ProgressUpdateFactory(action=action, quarter=1, rag_rating="red")
    chair = UserFactory(first_name="Catherine", last_name="Holloway")
    close_quarter(strand.plan, 1, by=chair, on=AFTER_THE_YEAR)
    action.progress_updates.update(rag_rating="green")

    review = review_for(strand.plan, 1, on=AFTER_THE_YEAR)

    assert review.is_closed
    assert review.closed_by == "Catherine Holloway"
    assert review.figures.off_track == 1


def test_a_later_quarters_trend_uses_the_figures_its_closed_quarters_reported(strand):
    action = action_in(strand)
    ProgressUpdateFactory(action=action, quarter=1, rag_rating="red")
    close_quarter(strand.plan, 1, by=UserFactory(), on=AFTER_THE_YEAR)
    # Changed behind the closure's back (the service would refuse it).
    action.progress_updates.update(rag_rating="green")

    trend = review_for(strand.plan, 2, on=AFTER_THE_YEAR).trend

    assert [(n, f.off_track, f.on_track) for n, f in trend] == [(1, 1, 0), (2, 0, 0)]


def test_it_takes_the_same_number_of_queries_however_many_actions_and_updates(plan):
    def grow(count):
        for _ in range(count):
            strand = StrandFactory(priority=PriorityFactory(plan=plan))
            action = action_in(strand, theme=ThemeFactory(plan=plan), lead_officer=UserFactory())
            for quarter in (1, 2, 3):
                ProgressUpdateFactory(action=action, quarter=quarter)
            # Performance indicators: one per action, with a target and values.
            value = IndicatorValueFactory(indicator__plan=plan, quarter=1)
            IndicatorTargetFactory(indicator=value.indicator, quarter=3)
            for quarter in (2, 3):
                IndicatorValueFactory(indicator=value.indicator, quarter=quarter)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            review_for(plan, 3, on=AFTER_THE_YEAR)
        return len(captured)

    grow(1)
    few = queries()
    grow(12)

    assert queries() == few


# Snapshots ------------------------------------------------------------------------------------


def a_review() -> QuarterlyReview:
    row = ActionRow(
        action_id=7,
        reference="1.2",
        text="Open Day / Evening with the community – “Clare’s Law”",
        priority="Violence",
        priority_id=3,
        strand_id=4,
        strand="Violence against women and girls",
        theme_id=None,
        theme="",
        lead_agency_id=5,
        lead_agency="Lewisham Council",
        lead_officer="Daniel Osei",
        timeframe="March 18",
        due_date=date(2018, 3, 31),
        rag="red",
        previous_rag="amber",
        completion="Not started",
        completion_note="",
        is_complete=False,
        completed_this_quarter=False,
        is_late=False,
        narrative="No venue secured.\nCarry forward.",
        updated_by="Daniel Osei",
        updated_at=datetime(2017, 12, 20, 10, 0, tzinfo=UTC),
    )
    unrated = replace(
        row, action_id=8, rag=None, previous_rag=None, due_date=None, updated_at=None, narrative=""
    )
    figures = Figures.of([row, unrated])
    strand = Breakdown("Violence against women and girls", ("strand", 4), figures)
    return QuarterlyReview(
        plan_id=1,
        plan_slug="safer-lewisham-plan-17-18",
        plan_title="Safer Lewisham Plan 17-18",
        financial_year=2017,
        quarter=3,
        quarter_label="Q3 2017-18",
        months_label="October to December 2017",
        generated_at=datetime(2018, 1, 5, 9, 30, tzinfo=UTC),
        figures=figures,
        by_priority=[Breakdown("Violence", ("priority", 3), figures, (strand,))],
        by_theme=[Breakdown("No theme", ("theme", None), figures)],
        by_agency=[Breakdown("Lewisham Council", ("agency", 5), figures)],
        rows=[row, unrated],
        trend=[(1, Figures(total=2, on_track=2)), (3, figures)],
        closed_at=datetime(2018, 1, 5, 12, 0, tzinfo=UTC),
        closed_by="Catherine Holloway",
    )


def test_a_review_survives_its_snapshot_exactly():
    review = a_review()

    assert from_json(to_json(review)) == review


def test_a_review_survives_its_snapshot_through_json_text():
    review = a_review()

    assert from_json(json.loads(json.dumps(to_json(review)))) == review


def test_the_demo_review_survives_its_snapshot_exactly(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    assert from_json(json.loads(json.dumps(to_json(review)))) == review


def test_a_snapshot_without_a_later_added_field_still_loads():
    data = to_json(a_review())
    for row in data["rows"]:
        del row["priority_id"]

    rows = from_json(data).rows

    assert [row.priority_id for row in rows] == [None, None]


def test_a_snapshot_that_counts_blue_under_its_old_name_still_loads():
    """Snapshots taken before the count was named rated_complete call it "blue"."""
    data = to_json(a_review())
    breakdown = data["by_priority"][0]
    for figures in [data["figures"], breakdown["figures"], data["trend"][0][1]]:
        del figures["rated_complete"]
        figures["blue"] = 3

    review = from_json(data)

    assert review.figures.rated_complete == 3
    assert review.by_priority[0].figures.rated_complete == 3
    assert review.trend[0][1].rated_complete == 3
