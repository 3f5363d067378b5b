"""The words councils' spreadsheets use for an action's RAG rating and its completion, read into
the service's values: "Amber.", "On track", "Complete (and ongoing)", "In progress.".

Both the plan import (imports/) and the bulk progress upload (bulkupdates/) read cells with these,
so that a word one accepts the other accepts too. Compared ignoring case, surrounding spaces, full
stops and other trailing punctuation, and words in brackets after the first ("Green (on track)",
as the service's own spreadsheets write it).
"""

from __future__ import annotations

import re

from .models import CompletionStatus

# What a RAG cell may say, by the rating it means (plans/ratings.py: blue is complete).
RAG_WORDS = {
    "red": "red",
    "r": "red",
    "off track": "red",
    "off target": "red",
    "amber": "amber",
    "a": "amber",
    "at risk": "amber",
    "some slippage": "amber",
    "green": "green",
    "g": "green",
    "on track": "green",
    "on target": "green",
    "blue": "blue",
    "b": "blue",
    "complete": "blue",
    "completed": "blue",
    "done": "blue",
}

# What a completion cell may say besides a completion status's own name, by the status's slug.
# A status the partnership renamed or removed is looked for by its "counts as complete" flag.
COMPLETION_WORDS = {
    "complete": "complete",
    "completed": "complete",
    "done": "complete",
    "yes": "complete",
    "y": "complete",
    "true": "complete",
    "✓": "complete",
    "√": "complete",
    "✔": "complete",
    "☑": "complete",
    "✅": "complete",
    "achieved": "complete",
    "in progress": "in-progress",
    "ongoing": "in-progress",
    "on going": "in-progress",
    "started": "in-progress",
    "underway": "in-progress",
    "under way": "in-progress",
    "not started": "not-started",
    "not yet started": "not-started",
    "no": "not-started",
    "n": "not-started",
    "false": "not-started",
    "✗": "not-started",
    "✘": "not-started",
    "deferred": "deferred",
    "on hold": "deferred",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "withdrawn": "cancelled",
}

_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def plain(text) -> str:
    """A cell's words as compared: lower case, single spaces, no full stop or other trailing
    punctuation, no words in brackets ("Complete (and ongoing)." is "complete")."""
    text = str(text or "").casefold().replace("_", " ")
    without = _BRACKETS.sub(" ", text)
    if without.strip(" .,;:!-–—"):
        text = without
    text = " ".join(text.replace("-", " ").split())
    return text.strip(" .,;:!–—")


def read_rag(text) -> str | None:
    """The RAG rating ("red", "amber", "green" or "blue") a cell's words mean, or None."""
    words = plain(text)
    if words in RAG_WORDS:
        return RAG_WORDS[words]
    first = words.split(" ", 1)[0] if words else ""
    # "Green - on track", "Amber: slipping": the rating is the first word.
    return RAG_WORDS.get(first) if first in {"red", "amber", "green", "blue"} else None


RAG_HELP = "Red, Amber, Green or Blue (complete); also “Off track”, “At risk”, “On track”."


class Completions:
    """Reads completion cells against the partnership's completion statuses (read once)."""

    def __init__(self):
        self.statuses = list(CompletionStatus.objects.order_by("order", "name"))
        self.by_words: dict[str, CompletionStatus] = {}
        by_slug = {status.slug: status for status in self.statuses}
        complete = by_slug.get("complete") or next(
            (status for status in self.statuses if status.counts_as_complete), None
        )
        not_started = by_slug.get("not-started") or next(
            (status for status in self.statuses if status.is_default), None
        )
        fallbacks = {"complete": complete, "not-started": not_started}
        for words, slug in COMPLETION_WORDS.items():
            status = by_slug.get(slug) or fallbacks.get(slug)
            if status is not None:
                self.by_words[plain(words)] = status
        for status in self.statuses:  # a status's own name wins
            self.by_words[plain(status.name)] = status
            self.by_words[plain(status.slug)] = status
        self.complete = complete
        self.not_started = not_started

    def read(self, text) -> CompletionStatus | None:
        """The status a cell's words mean, or None for words it does not know."""
        if isinstance(text, bool):
            return self.complete if text else self.not_started
        return self.by_words.get(plain(text))

    def for_rag(self, rag: str | None) -> CompletionStatus | None:
        """The completion a RAG rating implies when the file has no completion column: blue
        (complete) is complete; any other rating is in progress."""
        if rag == "blue":
            return self.complete
        if rag:
            return self.by_words.get("in progress")
        return None

    def names(self) -> str:
        return ", ".join(f"“{status.name}”" for status in self.statuses)
