"""The organisations a plan's spreadsheet names, found among the current partnership's agencies:
the "Lead" and "Partners" cells, split into the organisations they name, each matched to an
agency or explained.

A name is matched, in this order:
1. by an agency's name, short name or slug, ignoring case, punctuation, "&" for "and", a leading
   "the" and text in brackets (``agency_key``); a name two agencies share is a problem naming
   both;
2. by what the partnership confirmed the name means in an earlier import (an ``AgencyAlias``:
   "LBB" is the London Borough of Bexley), never by another partnership's;
3. by initials: an acronym of 2 to 6 letters ("LBB", "L.B.B.") that is the initials of exactly
   one agency's name, leaving out "of", "the", "and" and "for" ("London Borough of Bexley"),
   with a warning to check it;
4. by a close spelling of one agency's name or short name (about 85% alike, "Lewisham
   Councill"), only for names of at least 5 letters and never for an acronym, with a warning;
5. otherwise it is not found: the problem, and the agencies it plausibly means, for the
   administrator to choose from. An acronym is never offered agencies of a similar spelling
   ("LBB" is not "LFB", the London Fire Brigade): only those whose initials it is or begins,
   or which have it as a word of their name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyAlias
from partnerships.context import current_partnership_id

# How alike (difflib's ratio) a name must be to an agency's to be taken for it, with a warning.
CLOSE_SPELLING = 0.85
# ... and to be offered as a choice for a name that is not found.
PLAUSIBLE_SPELLING = 0.75
# Shorter names are too easily alike ("Met" and "MPS"): they are never matched by spelling.
CLOSE_SPELLING_MIN_LETTERS = 5
MAX_SUGGESTIONS = 5
# The words an organisation's initials leave out: "London Borough of Bexley" is "LBB".
NOT_IN_INITIALS = frozenset({"of", "the", "and", "for"})
# Words too common in organisations' names to make two names alike on their own.
COMMON_WORDS = NOT_IN_INITIALS | {
    "a",
    "an",
    "at",
    "in",
    "on",
    "to",
    "service",
    "services",
    "council",
}
# No agency's name is longer (Agency.name, AgencyAlias.alias): longer text is never one name.
MAX_NAME = AgencyAlias._meta.get_field("alias").max_length
# How many of a cell's pieces a single organisation's name may run across ("Lewisham &
# Greenwich NHS Trust" is two).
MAX_PIECES_OF_A_NAME = 8
# What separates the organisations of a cell: "/", "&", "+", ",", ";", a new line, " and ".
SEPARATOR = re.compile(r"\s*[/&+,;\r\n]\s*|\s+and\s+", re.IGNORECASE)
# "&" and "and" also join the words of one name ("Fire and Rescue Service").
SOFT_SEPARATOR = re.compile(r"\s*(?:&|and)\s*", re.IGNORECASE)
# "N/A", "A/E": one thing, not two organisations of one letter.
LETTER_SLASH_LETTER = re.compile(r"\s*[^\W\d_]\s*/\s*[^\W\d_]\s*")
ACRONYM = re.compile(r"(?:[^\W\d_]\.?\s?){2,6}")
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
VOWELS = frozenset("aeiou")


def agency_key(text: str, *, brackets: bool = False) -> str:
    """An agency's name as matched: ignoring case, punctuation, "&" for "and", a leading "the"
    and (unless ``brackets``) text in brackets."""
    text = str(text).casefold().replace("&", " and ")
    if not brackets:
        text = BRACKETS.sub(" ", text)
    text = re.sub(r"['’`]", "", text)
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
    return text.removeprefix("the ")


def _plain(text: str) -> str:
    """Text ignoring only case and repeated or surrounding spaces."""
    return " ".join(str(text).casefold().split())


def _quoted(text: str) -> str:
    """A name as a message shows it: in quotation marks, on one line, cut short if very long."""
    shown = " ".join(str(text).split())
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return f"“{shown}”"


def _either(agencies) -> str:
    """ "“A” or “B”", "“A”, “B” or “C”": the names of the agencies a name could be."""
    names = [_quoted(agency.name) for agency in agencies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def acronym(text: str) -> str | None:
    """The letters of an acronym, as they are matched ("lbb" for "LBB" or "L.B.B."), or None
    for text that is not one: a single word of 2 to 6 letters written in capitals, with full
    stops or without a vowel ("Met" is a word, "MET" an acronym)."""
    written = BRACKETS.sub(" ", str(text)).strip()
    if not ACRONYM.fullmatch(written):
        return None
    letters = "".join(character for character in written if character.isalpha())
    if not (letters.isupper() or "." in written or not VOWELS & set(letters.casefold())):
        return None
    return letters.casefold()


def initials(name: str) -> str:
    """The initials of an agency's name, as an acronym writes them: "lbb" for "London Borough of
    Bexley" (text in brackets and the words of NOT_IN_INITIALS left out)."""
    return "".join(word[0] for word in agency_key(name).split() if word not in NOT_IN_INITIALS)


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


@dataclass(frozen=True)
class Found:
    """What a name in a spreadsheet was found to be: the agency and how it was matched, or
    None and why not (the problem, and the agencies it plausibly means)."""

    agency: Agency | None
    # "name", "short name", "alias", "initials", "close spelling", or "" when not found.
    how: str
    # "" for a sure match; a warning to check for "initials" and "close spelling"; for None, the
    # problem: why, and what to do.
    message: str
    # Agencies the name plausibly means, best first, for the administrator to choose from.
    suggestions: tuple[Agency, ...] = ()


# The ways of matching that need no checking.
SURE = frozenset({"name", "short name", "alias"})


@dataclass(frozen=True)
class _Piece:
    """One piece of a cell between separators: where it is in the cell's text, and whether the
    separator after it may also join the words of one name ("&", "and")."""

    start: int
    end: int
    soft: bool


class Organisations:
    """The current partnership's agencies and aliases, read once (a few queries, not one per
    cell), to find the organisations an import's cells name."""

    def __init__(self):
        partnership_id = current_partnership_id()
        agencies = Agency.objects.order_by("name")
        aliases = AgencyAlias.objects.none()
        if partnership_id is not None:
            # The partnership's own, whether or not scoping is in force (a command, a test).
            agencies = agencies.filter(partnerships__id=partnership_id)
            aliases = AgencyAlias.objects.filter(partnership_id=partnership_id)
        self.agencies: list[Agency] = list(agencies)
        self.by_pk = {agency.pk: agency for agency in self.agencies}
        # {key: {agency's pk: how}} for names, short names and slugs.
        self.keys: dict[str, dict[int, str]] = {}
        self.initials: dict[str, set[int]] = {}
        self.words: dict[int, set[str]] = {}
        self.spellings: dict[int, set[str]] = {}
        for agency in self.agencies:
            names = [
                (agency.name, "name"),
                (agency.short_name, "short name"),
                (agency.slug.replace("-", " "), "name"),
            ]
            for name, how in names:
                for variant in filter(None, {agency_key(name), agency_key(name, brackets=True)}):
                    self.keys.setdefault(variant, {}).setdefault(agency.pk, how)
            letters = initials(agency.name)
            if len(letters) >= 2:
                self.initials.setdefault(letters, set()).add(agency.pk)
            spellings = {
                agency_key(name, brackets=True) for name in (agency.name, agency.short_name)
            } - {""}
            self.spellings[agency.pk] = spellings
            self.words[agency.pk] = {word for spelling in spellings for word in spelling.split()}
        # {alias's key: {agency's pk}}; an alias of an agency no longer a partner is not used.
        self.aliases: dict[str, set[int]] = {}
        for alias, agency_id in aliases.values_list("alias", "agency_id"):
            if agency_id in self.by_pk:
                self.aliases.setdefault(agency_key(alias, brackets=True), set()).add(agency_id)
        self._found: dict[str, Found] = {}

    # --- one name -------------------------------------------------------------------------------

    def find(self, text: str) -> Found:
        """The agency a name means, and how it was found; or why none was (see the module's
        docstring for the order)."""
        text = str(text)
        if text not in self._found:
            self._found[text] = self._find(text)
        return self._found[text]

    def _find(self, text: str) -> Found:
        full = agency_key(text, brackets=True)
        if not full:
            if not text.strip():
                return Found(None, "", "No organisation is named: write its name.")
            return Found(
                None,
                "",
                f"{_quoted(text)} does not name an organisation: write the organisation's "
                "name instead.",
            )
        known = self._known(text)
        if known is not None:
            return known
        letters = acronym(text)
        if letters:
            found = self.initials.get(letters, set())
            if len(found) == 1:
                agency = self.by_pk[next(iter(found))]
                return Found(
                    agency,
                    "initials",
                    f"matched {_quoted(text)} to {_quoted(agency.name)} by its initials: check "
                    "that this is right.",
                )
            if found:
                agencies = sorted((self.by_pk[pk] for pk in found), key=lambda a: a.name)
                return Found(
                    None,
                    "",
                    f"{_quoted(text)} could be the initials of {_either(agencies)}. Choose the "
                    "one it is below, or write its full name in the file.",
                    tuple(agencies[:MAX_SUGGESTIONS]),
                )
        elif _letters(full) >= CLOSE_SPELLING_MIN_LETTERS and len(full) <= MAX_NAME:
            close = difflib.get_close_matches(full, list(self.keys), n=1, cutoff=CLOSE_SPELLING)
            if close and len(self.keys[close[0]]) == 1:
                agency = self.by_pk[next(iter(self.keys[close[0]]))]
                return Found(
                    agency,
                    "close spelling",
                    f"matched {_quoted(text)} to {_quoted(agency.name)}: check that this is right.",
                )
        suggestions = self._suggestions(full, letters)
        if suggestions:
            message = (
                f"{_quoted(text)} is not an organisation of this partnership. Choose it below, "
                "or add it."
            )
        else:
            message = (
                f"{_quoted(text)} is not an organisation of this partnership, and none of its "
                "organisations has a name like it. Add it below, or correct the spelling in "
                "the file."
            )
        return Found(None, "", message, suggestions)

    def _known(self, text: str) -> Found | None:
        """The agency whose name, short name, slug or alias the text is; a problem if it is two
        agencies'; None when it is none's."""
        for variant in dict.fromkeys((agency_key(text), agency_key(text, brackets=True))):
            found = self.keys.get(variant)
            if not variant or not found:
                continue
            if len(found) == 1:
                pk, how = next(iter(found.items()))
                return Found(self.by_pk[pk], how, "")
            exact = [pk for pk in found if _plain(self.by_pk[pk].name) == _plain(text)]
            if len(exact) == 1:
                return Found(self.by_pk[exact[0]], "name", "")
            agencies = sorted((self.by_pk[pk] for pk in found), key=lambda a: a.name)
            return Found(
                None,
                "",
                f"{_quoted(text)} could be {_either(agencies)}. Choose the one it is below, or "
                "write its full name in the file.",
                tuple(agencies[:MAX_SUGGESTIONS]),
            )
        for variant in dict.fromkeys((agency_key(text, brackets=True), agency_key(text))):
            found = self.aliases.get(variant, set())
            if len(found) == 1:
                return Found(self.by_pk[next(iter(found))], "alias", "")
        return None

    def _suggestions(self, full: str, letters: str | None) -> tuple[Agency, ...]:
        """The agencies a name that is not found plausibly means, best first."""
        if letters:
            # An acronym: never by spelling ("LBB" is not "LFB").
            ranked = (
                [a for a in self.agencies if initials(a.name) == letters]
                + [a for a in self.agencies if letters in self.words[a.pk]]
                + [a for a in self.agencies if initials(a.name).startswith(letters)]
            )
            return tuple(dict.fromkeys(ranked))[:MAX_SUGGESTIONS]
        words = {word for word in full.split() if len(word) > 1 and word not in COMMON_WORDS}
        if not words:
            # A name of common words alone ("Council", "Police", "Fire Service") means the
            # partnership's organisation of that kind: offer the ones with those words.
            words = {word for word in full.split() if len(word) > 3}
        spelling = difflib.SequenceMatcher(autojunk=False)
        spelling.set_seq2(full)
        scored = []
        for agency in self.agencies:
            shared = len(words & self.words[agency.pk])
            alike = 0.0
            if len(full) <= MAX_NAME:
                for other in self.spellings[agency.pk]:
                    spelling.set_seq1(other)
                    if (
                        spelling.real_quick_ratio() >= PLAUSIBLE_SPELLING
                        and spelling.quick_ratio() >= PLAUSIBLE_SPELLING
                    ):
                        alike = max(alike, spelling.ratio())
            if shared or alike >= PLAUSIBLE_SPELLING:
                scored.append((-shared, -alike, agency.name, agency.pk))
        return tuple(self.by_pk[pk] for *_, pk in sorted(scored)[:MAX_SUGGESTIONS])

    # --- a cell ---------------------------------------------------------------------------------

    def names_in(self, text: str) -> list[str]:
        """The organisations a lead or partners cell names, split: "LBB / Met" -> ["LBB",
        "Met"]; "Council and Police" -> ["Council", "Police"]; but "Fire and Rescue Service",
        "Police and Crime Commissioner" or "Lewisham & Greenwich NHS Trust" stay whole when they
        (or, with a known agency, any longer text) match one agency as a whole. Separators: "/",
        "&", " and ", ",", ";", "+", newline.

        Where no agency is known, words joined by "&" or "and" to a longer name that is not one
        either stay with it ("Fire and Rescue Service"): they share its last words."""
        text = str(text)
        if LETTER_SLASH_LETTER.fullmatch(text):
            return [text.strip()]
        pieces = self._pieces(text)
        names = []
        start = 0
        while start < len(pieces):
            if not self._text(text, pieces[start]):
                start += 1
                continue
            end = self._longest_known(text, pieces, start)
            if end is None:
                end = self._shared_words_end(text, pieces, start)
            names.append(text[pieces[start].start : pieces[end].end].strip())
            start = end + 1
        return names

    @staticmethod
    def _pieces(text: str) -> list[_Piece]:
        pieces = []
        start = 0
        for separator in SEPARATOR.finditer(text):
            soft = bool(SOFT_SEPARATOR.fullmatch(separator.group()))
            pieces.append(_Piece(start, separator.start(), soft))
            start = separator.end()
        pieces.append(_Piece(start, len(text), False))
        return pieces

    @staticmethod
    def _text(text: str, piece: _Piece) -> str:
        return text[piece.start : piece.end].strip()

    def _longest_known(self, text: str, pieces: list[_Piece], start: int) -> int | None:
        """The last piece of the longest name from ``start`` on that is one agency's for sure
        (name, short name or alias), or None."""
        last = min(len(pieces), start + MAX_PIECES_OF_A_NAME) - 1
        for end in range(last, start - 1, -1):
            if not self._text(text, pieces[end]):
                continue
            name = text[pieces[start].start : pieces[end].end].strip()
            if len(name) > MAX_NAME:
                continue
            known = self._known(name)
            if known is not None and known.how in SURE:
                return end
        return None

    def _shared_words_end(self, text: str, pieces: list[_Piece], start: int) -> int:
        """Where a name no agency has ends: at its own piece, or, for single words joined by
        "&" or "and" to a longer name no agency has either ("Fire and Rescue Service"), at that
        name's piece."""
        at = start
        while pieces[at].soft and at + 1 < len(pieces):
            word, following = self._text(text, pieces[at]), self._text(text, pieces[at + 1])
            if len(agency_key(word, brackets=True).split()) != 1 or self.find(word).agency:
                return start
            if not following or self.find(following).agency:
                return start
            if len(agency_key(following, brackets=True).split()) > 1:
                return at + 1
            at += 1
        return start


class CannotRemember(Exception):
    """Why what a name means cannot be remembered, in words for the administrator."""


def remember(text: str, agency: Agency, user) -> AgencyAlias:
    """Remember that, in the current partnership's spreadsheets, ``text`` means ``agency``, as
    ``user`` confirmed: the alias is made, or changed to that agency. Idempotent: confirming
    the same again (in any case or punctuation) changes nothing."""
    partnership_id = current_partnership_id()
    alias = " ".join(str(text).split())
    if partnership_id is None:
        raise CannotRemember(
            "What a name means is remembered for one partnership: confirm it in the "
            "partnership's own import."
        )
    if not agency_key(alias, brackets=True):
        raise CannotRemember(
            f"{_quoted(alias)} does not name an organisation, so there is nothing to remember."
        )
    if len(alias) > MAX_NAME:
        raise CannotRemember(
            f"{_quoted(alias)} is longer than a name can be ({MAX_NAME} characters): correct "
            "it in the file instead."
        )
    if not agency.partnerships.filter(pk=partnership_id).exists():
        raise CannotRemember(
            f"{_quoted(agency.name)} is not an organisation of this partnership: add it as "
            "one of its partners first."
        )
    confirmed_by = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            return _remember(partnership_id, alias, agency, confirmed_by)
    except IntegrityError:
        # Someone else remembered the same name at the same moment: change theirs.
        with transaction.atomic():
            return _remember(partnership_id, alias, agency, confirmed_by)


def _remember(partnership_id, alias: str, agency: Agency, confirmed_by) -> AgencyAlias:
    wanted = agency_key(alias, brackets=True)
    same = [
        existing
        for existing in AgencyAlias.objects.select_for_update().filter(
            partnership_id=partnership_id
        )
        if agency_key(existing.alias, brackets=True) == wanted
    ]
    if not same:
        return AgencyAlias.objects.create(
            partnership_id=partnership_id, alias=alias, agency=agency, confirmed_by=confirmed_by
        )
    kept, *others = same
    for other in others:
        other.delete()
    if kept.agency_id != agency.pk:
        kept.alias = alias
        kept.agency = agency
        kept.confirmed_by = confirmed_by
        kept.confirmed_at = timezone.now()
        kept.save()
    return kept
