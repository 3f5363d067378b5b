"""What the pages that record a quarter share: an action's progress update (actions/views/
update.py) and an indicator's value (indicators/views.py).

Both choose the quarter the same way (plans.year.form_quarter), refuse with the same page (why
nothing was saved, the quarters that can be recorded instead, and what the officer typed, to
copy), and after a conflict show the form again holding what the officer typed, with the
current versions so that saving again goes through.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.shortcuts import render

from plans.quarters import Quarter


def asked_quarter(request, posted) -> str | None:
    """The quarter asked for: the posted form's own (blank if it has none, which is refused),
    else the address's ``?quarter=``, else None (the form opens on its default quarter)."""
    if posted is not None:
        return posted.get("quarter", "")
    return request.GET.get("quarter")


@dataclass
class Refusal:
    """A page saying why nothing was saved (govuk_refusal, in actions/recording_form.html)."""

    title: str
    reason: str
    # Where the officer goes back to: (address, link text).
    back: tuple[str, str]
    # The quarters that can be recorded instead: [(address, link text)].
    choices: list[tuple[str, str]] = field(default_factory=list)
    # What the officer typed, to copy: [(label, text)].
    typed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RecordingPage:
    """One recording form's page, as its view draws it: the form, or (``refuse``) why nothing
    was saved."""

    template: str
    # What the template shows of what is recorded: the action or indicator, and its plan.
    context: dict
    # The form's own address, to which ?quarter= is added.
    address: str
    # Where a refusal sends the officer back to: (address, link text).
    back: tuple[str, str]
    # How a link to record a quarter reads: "Record progress for Q3 2017-18 (...)".
    record_link: Callable[[Quarter], str]
    # The fields whose text a refusal hands back: (field, label).
    typed_fields: tuple[tuple[str, str], ...]

    def render(self, request, status=200, **context):
        return render(request, self.template, {**self.context, **context}, status=status)

    def refuse(self, request, title, reason, posted, status, quarters=()):
        """The page saying why nothing was saved, with links to the ``quarters`` that can be
        recorded instead and what the officer typed (``posted``), to copy."""
        refusal = Refusal(
            title,
            reason,
            self.back,
            choices=[
                (f"{self.address}?quarter={quarter.number}", self.record_link(quarter))
                for quarter in quarters
            ],
            typed=typed_text(posted, self.typed_fields),
        )
        return self.render(request, status, refusal=refusal)


def typed_text(posted, fields) -> list[tuple[str, str]]:
    """[(label, text)] of the fields (``(name, label)`` pairs) the officer typed something in."""
    if posted is None:
        return []
    return [
        (label, posted.get(name, "").strip())
        for name, label in fields
        if posted.get(name, "").strip()
    ]


def with_current_versions(form, **versions):
    """The officer's posted data with the hidden versions replaced by the current ones (None for
    a row that is not there), for the form shown again after a conflict."""
    data = form.data.copy()
    for name, version in versions.items():
        data[name] = "" if version is None else str(version)
    return data
