"""Properties of the progress update form and page for any narrative at all, found by
hypothesis: any size (up to the limit and beyond), any Unicode (right-to-left, emoji, combining
marks, control characters). Never a server error; an accepted narrative is stored exactly as
typed apart from the one documented normalisation (leading and trailing white space removed, as
Django's text fields do); a refused one comes back in the form, as typed, with a clear error, and
nothing is saved. (Refused white space alone comes back as one space: see below.)
"""

import re
from html import unescape

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from actions.forms import NARRATIVE_MAX_LENGTH
from actions.models import Action, ProgressUpdate

pytestmark = pytest.mark.django_db

TOO_LONG = f"Narrative must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
NULL = "Narrative must not include hidden control characters"
NEEDS_NARRATIVE = "Enter a narrative explaining why this action is"

# Pieces of several characters too: an emoji with skin tone and ZWJ, a Windows line end.
PIECES = st.sampled_from(["a", " ", "\n", "é", "ß", "ש", "ع", "中", "👩🏽‍⚕️", "\u0301", "\r\n"])
NEAR_THE_LIMIT = st.integers(NARRATIVE_MAX_LENGTH - 3, NARRATIVE_MAX_LENGTH + 3).flatmap(
    lambda size: st.text(st.sampled_from("xyé中"), min_size=size, max_size=size)
)
NARRATIVE = st.one_of(
    st.text(max_size=400),  # any Unicode but lone surrogates, which UTF-8 cannot carry
    st.lists(PIECES, max_size=200).map("".join),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Zs"]), max_size=40),
    NEAR_THE_LIMIT,
    st.text(st.sampled_from("ab "), min_size=NARRATIVE_MAX_LENGTH + 1, max_size=9000),
)
RATING = st.sampled_from(["green", "blue", "amber", "red"])


def posted(action, narrative, rating):
    """The form as the page gives it, with the versions it shows now."""
    action = Action.objects.get(pk=action.pk)
    quarter = action.plan.reporting_quarter().number
    update = ProgressUpdate.objects.filter(action=action, quarter=quarter).first()
    return quarter, {
        "quarter": str(quarter),
        "rag_rating": rating,
        "narrative": narrative,
        "completion_status": str(action.completion_status_id),
        "completion_note": "",
        "action_version": str(action.version),
        "update_version": str(update.version) if update else "",
    }


def textarea(html):
    match = re.search(r'<textarea name="narrative"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return unescape(match.group(1))


def expected_errors(narrative, rating):
    """Why Django's form and ours refuse this narrative, if they do."""
    errors = []
    stripped = narrative.strip()
    if "\x00" in narrative:
        errors.append(NULL)
    if len(stripped) > NARRATIVE_MAX_LENGTH:
        errors.append(TOO_LONG)
    if rating in {"amber", "red"} and not stripped:
        errors.append(NEEDS_NARRATIVE)
    return errors


@given(narrative=NARRATIVE, rating=RATING)
@example(narrative="a" * NARRATIVE_MAX_LENGTH, rating="green")
@example(narrative="a" * (NARRATIVE_MAX_LENGTH + 1), rating="green")
@example(narrative="  " + "a" * NARRATIVE_MAX_LENGTH + "\n\n", rating="green")
@example(narrative="Before\x00after", rating="amber")
@example(narrative="\u202eRight-to-left override\u202c مرحبا 👩🏽‍⚕️", rating="red")
@example(narrative="Line one\r\nLine two\rthree\u2028four", rating="green")
@example(narrative=" \t\n ", rating="amber")
@example(narrative="</textarea><script>alert(1)</script>&amp;", rating="green")
def test_any_narrative_is_saved_exactly_or_handed_back_with_an_error(
    officer_client, led_action, narrative, rating
):
    quarter, data = posted(led_action, narrative, rating)
    before = list(ProgressUpdate.objects.values_list("narrative", "version"))

    response = officer_client.post(f"/p/lewisham/actions/{led_action.pk}/update/", data)

    errors = expected_errors(narrative, rating)
    if not errors:
        assert response.status_code == 302, response.content.decode()[:2000]
        saved = ProgressUpdate.objects.get(action=led_action, quarter=quarter)
        # Stored exactly as typed, apart from white space at either end.
        assert saved.narrative == narrative.strip()
        assert saved.rag_rating == rating
    else:
        assert response.status_code == 400
        html = response.content.decode()
        summary = unescape(re.search(r'class="govuk-error-summary".*?</ul>', html, re.S).group(0))
        for error in errors:
            assert error in summary
        # What was typed is in the form again, character for character, to correct. Except
        # white space alone, which crispy-forms' {% specialspaceless %} shrinks to one space.
        if narrative.strip():
            assert textarea(html) == narrative
        else:
            assert textarea(html).strip() == ""
        assert list(ProgressUpdate.objects.values_list("narrative", "version")) == before
