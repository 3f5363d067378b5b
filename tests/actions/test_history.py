"""An action's audit trail as the action page shows it: who, when, what, before and after."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.history import action_history
from actions.models import ProgressUpdate
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    ProgressUpdateFactory,
    UserFactory,
    completion_status,
)

pytestmark = pytest.mark.django_db


def saved_by(instance, user):
    """Save as a signed-in person would through a page (the middleware does this for requests)."""
    instance._history_user = user
    instance.save()
    del instance._history_user


def changes_of(entry):
    return {change.label: (change.before, change.after) for change in entry.changes}


def test_it_lists_a_new_update_with_the_values_it_was_given():
    action = ActionFactory()
    ProgressUpdateFactory(
        action=action, quarter=3, rag_rating="amber", narrative="Recruitment delayed."
    )

    entry = action_history(action)[0]

    assert entry.what == "Q3 update added"
    assert changes_of(entry)["RAG rating"] == ("", "Amber (at risk)")
    assert changes_of(entry)["Narrative"] == ("", "Recruitment delayed.")
    assert changes_of(entry)["Completion"] == ("", "In progress")


def test_it_shows_an_amended_update_with_its_earlier_text():
    action = ActionFactory()
    update = ProgressUpdateFactory(action=action, quarter=3, narrative="First draft.")
    update.narrative = "Final text."
    update.rag_rating = ProgressUpdate.RAG.RED
    update.save()

    entry = action_history(action)[0]

    assert entry.what == "Q3 update changed"
    assert changes_of(entry) == {
        "RAG rating": ("Green (on track)", "Red (off track)"),
        "Narrative": ("First draft.", "Final text."),
    }


def test_it_names_the_person_who_made_a_change():
    action = ActionFactory()
    officer = UserFactory(first_name="Sam", last_name="Okafor")
    action.completion_note = "within YOS"

    saved_by(action, officer)

    assert action_history(action)[0].who == "Sam Okafor"


def test_it_attributes_a_change_without_a_signed_in_person_to_the_system():
    action = ActionFactory()
    action.completion_note = "Loaded from the spreadsheet"
    action.save()

    entry = action_history(action)[0]

    assert (entry.who, entry.what) == ("System", "Action changed")


def test_it_shows_the_names_of_completion_statuses_agencies_and_people():
    action = ActionFactory(lead_agency=AgencyFactory(name="Lewisham Council", short_name="LBL"))
    action.completion_status = completion_status("complete")
    action.lead_agency = AgencyFactory(name="Metropolitan Police", short_name="Met Police")
    action.lead_officer = UserFactory(first_name="Ada", last_name="Cole")
    action.save()

    assert changes_of(action_history(action)[0]) == {
        "Completion": ("Not started", "Complete"),
        "Lead agency": ("LBL", "Met Police"),
        "Lead officer": ("", "Ada Cole"),
    }


def test_it_shows_partner_agencies_added_and_removed():
    action = ActionFactory()
    probation = AgencyFactory(name="Probation")
    health = AgencyFactory(name="Health")
    action.partner_agencies.add(probation)
    action.partner_agencies.set([health])

    entries = [entry for entry in action_history(action) if entry.what == "Action changed"]

    # set() removes Probation, then adds Health: each is recorded as it happens.
    assert [changes_of(entry)["Partner agencies"] for entry in entries] == [
        ("", "Health"),
        ("Probation", ""),
        ("", "Probation"),
    ]


def test_it_shows_a_sub_item_added_changed_and_deleted():
    action = ActionFactory()
    sub_item = ActionSubItemFactory(action=action, label="b", text="Stalking orders")
    sub_item.text = "Stalking Protection Orders"
    sub_item.save()
    sub_item.delete()

    entries = action_history(action)

    assert [entry.what for entry in entries[:3]] == [
        "Sub-item b) deleted",
        "Sub-item b) changed",
        "Sub-item b) added",
    ]
    assert changes_of(entries[1])["Text"] == ("Stalking orders", "Stalking Protection Orders")
    assert changes_of(entries[0])["Text"] == ("Stalking Protection Orders", "")


def test_it_shows_a_deleted_update_with_what_it_said():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, quarter=2, narrative="Said this.").delete()

    entry = action_history(action)[0]

    assert entry.what == "Q2 update deleted"
    assert changes_of(entry)["Narrative"] == ("Said this.", "")


def test_it_leaves_out_saves_that_change_nothing_a_reader_sees():
    action = ActionFactory()
    action.save()  # only the version and the time of the save change

    assert [entry.what for entry in action_history(action)] == ["Action added"]


def test_it_does_not_show_bookkeeping_fields():
    action = ActionFactory()
    update = ProgressUpdateFactory(action=action)
    update.narrative = "Changed."
    update.save()

    labels = {change.label for entry in action_history(action) for change in entry.changes}

    assert labels.isdisjoint({"Version", "Updated at", "Created at", "ID", "Action"})


def test_it_lists_the_newest_change_first():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, quarter=1)
    ProgressUpdateFactory(action=action, quarter=2)

    whats = [entry.what for entry in action_history(action)]

    assert whats == ["Q2 update added", "Q1 update added", "Action added"]


def history_queries(action):
    with CaptureQueriesContext(connection) as queries:
        action_history(action)
    return len(queries)


def amend(update, times, user):
    for number in range(times):
        update.narrative = f"Amendment {number}"
        update.completion_status = completion_status("complete" if number % 2 else "in-progress")
        update.author = user
        update.save()


def test_it_reads_the_history_in_the_same_number_of_queries_however_long_it_is():
    small, large = ActionFactory(), ActionFactory()
    for action, quarters, times in ((small, [1], 1), (large, [1, 2, 3, 4], 5)):
        action.partner_agencies.add(AgencyFactory())
        ActionSubItemFactory(action=action)
        for quarter in quarters:
            amend(ProgressUpdateFactory(action=action, quarter=quarter), times, UserFactory())

    assert len(action_history(large)) > 3 * len(action_history(small))
    assert history_queries(small) == history_queries(large)
