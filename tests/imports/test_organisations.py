"""Finding the organisations a plan's spreadsheet names (imports/organisations.py): by name,
short name, slug, the partnership's aliases, initials and close spellings; what is offered for a
name that is not found; and how a lead or partners cell is split into organisations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agencies.models import AgencyAlias
from imports.organisations import CannotRemember, Organisations, agency_key, remember
from partnerships.context import acting_in, current_partnership_id
from partnerships.models import Partnership
from tests.factories import AgencyFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def london(agencies):
    """The fixture's Lewisham agencies, and London-wide ones whose initials look alike."""
    return {
        **agencies,
        "bexley": AgencyFactory(
            name="London Borough of Bexley", short_name="Bexley", slug="london-borough-of-bexley"
        ),
        "fire": AgencyFactory(name="London Fire Brigade", short_name="LFB", slug="lfb"),
        "trust": AgencyFactory(
            name="Lewisham & Greenwich NHS Trust", short_name="", slug="lewisham-greenwich-nhs"
        ),
        "pcc": AgencyFactory(
            name="Police and Crime Commissioner", short_name="", slug="police-crime-commissioner"
        ),
        "rescue": AgencyFactory(
            name="Fire and Rescue Service", short_name="", slug="fire-and-rescue-service"
        ),
    }


def names(agencies) -> list[str]:
    return [agency.name for agency in agencies]


def the_test_partnership() -> Partnership:
    return Partnership.objects.get(pk=current_partnership_id())


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "how"),
    [
        ("Lewisham Council", "council", "name"),
        ("lewisham  council ", "council", "name"),
        ("The Metropolitan Police Service", "police", "name"),
        ("METROPOLITAN POLICE SERVICE (LEWISHAM)", "police", "name"),
        ("Met Police", "police", "short name"),
        ("NPS", "nps", "short name"),
        ("metropolitan-police", "police", "name"),
        ("Athena", "athena", "name"),  # its name without the text in brackets
    ],
)
def test_a_name_short_name_or_slug_is_a_sure_match(agencies, text, expected, how):
    found = Organisations().find(text)

    assert (found.agency, found.how, found.message) == (agencies[expected], how, "")


def test_and_and_ampersand_are_the_same(london):
    found = Organisations().find("Lewisham and Greenwich NHS Trust")

    assert (found.agency, found.how) == (london["trust"], "name")


def test_a_confirmed_alias_is_a_sure_match(agencies):
    remember("Civic Centre", agencies["council"], UserFactory())

    found = Organisations().find("civic centre")

    assert (found.agency, found.how, found.message) == (agencies["council"], "alias", "")


def test_lbb_is_the_london_borough_of_bexley_by_its_initials_with_a_warning(london):
    found = Organisations().find("LBB")

    assert (found.agency, found.how) == (london["bexley"], "initials")
    assert found.message == (
        "matched “LBB” to “London Borough of Bexley” by its initials: check that this is right."
    )


@pytest.mark.parametrize("text", ["L.B.B.", "l.b.b", "lbb", "L B B"])
def test_initials_may_be_written_with_full_stops_or_in_small_letters(london, text):
    assert Organisations().find(text).agency == london["bexley"]


def test_a_word_is_not_taken_for_initials(db):
    AgencyFactory(name="Metropolitan Enforcement Team", slug="met-enforcement")

    assert Organisations().find("Met").agency is None


def test_a_close_spelling_is_matched_with_a_warning(agencies):
    found = Organisations().find("Lewisham Councill")

    assert (found.agency, found.how) == (agencies["council"], "close spelling")
    assert found.message == (
        "matched “Lewisham Councill” to “Lewisham Council”: check that this is right."
    )


def test_a_short_name_is_never_matched_by_spelling(db):
    AgencyFactory(name="London Fire Brigade", short_name="LFB", slug="lfb")

    assert Organisations().find("LFBB").agency is None
    assert Organisations().find("Lfc").agency is None


def test_an_unknown_name_is_a_problem_saying_what_to_do(agencies):
    found = Organisations().find("Lewisham Fire Station")

    assert (found.agency, found.how) == (None, "")
    assert found.message == (
        "“Lewisham Fire Station” is not an organisation of this partnership. Choose it below, "
        "or add it."
    )


def test_an_unknown_name_like_no_organisation_says_so(agencies):
    found = Organisations().find("Crimestoppers")

    assert found.suggestions == ()
    assert found.message == (
        "“Crimestoppers” is not an organisation of this partnership, and none of its "
        "organisations has a name like it. Add it below, or correct the spelling in the file."
    )


def test_a_name_two_agencies_have_is_a_problem_naming_both(db):
    first = AgencyFactory(name="Safer Lewisham Partnership", short_name="SLP", slug="slp-one")
    second = AgencyFactory(name="Southwark Lambeth Probation", short_name="SLP", slug="slp-two")

    found = Organisations().find("SLP")

    assert found.agency is None
    assert found.message == (
        "“SLP” could be “Safer Lewisham Partnership” or “Southwark Lambeth Probation”. Choose "
        "the one it is below, or write its full name in the file."
    )
    assert set(found.suggestions) == {first, second}


def test_initials_two_agencies_have_are_a_problem_naming_both(london):
    brent = AgencyFactory(name="London Borough of Brent", slug="london-borough-of-brent")

    found = Organisations().find("LBB")

    assert found.agency is None
    assert found.message.startswith(
        "“LBB” could be the initials of “London Borough of Bexley” or “London Borough of Brent”."
    )
    assert set(found.suggestions) == {london["bexley"], brent}


def test_an_empty_name_is_not_an_organisation(agencies):
    assert Organisations().find("  ").agency is None
    assert Organisations().find("—").message == (
        "“—” does not name an organisation: write the organisation's name instead."
    )


# --- what is offered for a name that is not found -------------------------------------------------


def test_an_unknown_acronym_is_never_offered_agencies_spelled_alike(db):
    AgencyFactory(name="London Fire Brigade", short_name="LFB", slug="lfb")
    brigade = AgencyFactory(name="London Borough Brigade", slug="london-borough-brigade")

    found = Organisations().find("LBB")

    # "LBB" is the initials of the borough brigade, never a misspelling of "LFB".
    assert found.agency == brigade
    assert found.suggestions == ()


def test_lbb_never_suggests_the_fire_brigade(db):
    AgencyFactory(name="London Fire Brigade", short_name="LFB", slug="lfb")
    bexley = AgencyFactory(name="London Borough of Bexley Council", slug="lbb-council")

    found = Organisations().find("LBB")

    assert found.agency is None
    assert found.suggestions == (bexley,)  # its initials begin with LBB
    assert found.message.startswith("“LBB” is not an organisation of this partnership.")


def test_an_unknown_acronym_is_offered_agencies_with_it_as_a_word(london):
    found = Organisations().find("NHS")

    assert found.suggestions == (london["trust"],)


def test_an_unknown_name_is_offered_agencies_sharing_a_word(london):
    found = Organisations().find("Bexley Community Safety")

    assert found.agency is None
    assert found.suggestions == (london["bexley"],)


def test_common_words_alone_do_not_make_names_alike(agencies):
    assert Organisations().find("Youth Council Service").suggestions == ()


def test_an_unknown_name_is_offered_agencies_spelled_nearly_alike(agencies):
    found = Organisations().find("Natonal Probaton")

    assert agencies["nps"] in found.suggestions


def test_at_most_five_agencies_are_offered_best_first(db):
    best = AgencyFactory(name="Bexley Youth Offending Service", slug="bexley-yos")
    for number in range(6):
        AgencyFactory(name=f"Youth Club {number}", slug=f"youth-club-{number}")

    found = Organisations().find("Bexley Youth Offending")

    assert found.suggestions[0] == best
    assert len(found.suggestions) == 5


# --- aliases --------------------------------------------------------------------------------------


def test_an_alias_of_one_partnership_is_not_used_by_another(agencies):
    other = PartnershipFactory()
    agencies["council"].partnerships.add(other)
    remember("Civic Centre", agencies["council"], UserFactory())

    with acting_in(other):
        found = Organisations().find("Civic Centre")

    assert found.agency is None


def test_each_partnership_has_its_own_meaning_of_a_name(london):
    other = PartnershipFactory()
    brent = AgencyFactory(name="London Borough of Brent", slug="lbb-brent", partner_of=[other])
    with acting_in(other):
        remember("LBB", brent, UserFactory())

    assert Organisations().find("LBB").agency == london["bexley"]
    with acting_in(other):
        assert Organisations().find("LBB").agency == brent


def test_remembering_is_idempotent(agencies):
    user = UserFactory()
    first = remember("Civic Centre", agencies["council"], user)

    again = remember("CIVIC  centre", agencies["council"], UserFactory())

    assert again == first
    alias = AgencyAlias.objects.get()
    assert (alias.alias, alias.agency, alias.confirmed_by) == (
        "Civic Centre",
        agencies["council"],
        user,
    )


def test_remembering_another_agency_changes_the_alias(agencies):
    remember("The Borough", agencies["council"], UserFactory())
    officer = UserFactory()

    remember("the borough.", agencies["police"], officer)

    alias = AgencyAlias.objects.get()
    assert (alias.alias, alias.agency, alias.confirmed_by) == (
        "the borough.",
        agencies["police"],
        officer,
    )
    assert Organisations().find("The Borough").agency == agencies["police"]


def test_an_alias_belongs_to_the_current_partnership(agencies):
    alias = remember("Civic Centre", agencies["council"], None)

    assert alias.partnership_id == current_partnership_id()
    assert alias.confirmed_by is None


def test_an_alias_of_an_agency_of_another_partnership_is_refused(db):
    theirs = AgencyFactory(name="Brent Council", slug="brent", partner_of=[PartnershipFactory()])

    with pytest.raises(CannotRemember, match="“Brent Council” is not an organisation of this"):
        remember("Brent", theirs, None)


def test_an_alias_that_names_nothing_is_refused(agencies):
    with pytest.raises(CannotRemember, match="does not name an organisation"):
        remember(" – ", agencies["council"], None)


def test_the_database_refuses_an_alias_twice_in_any_case(agencies):
    AgencyAlias.objects.create(
        partnership_id=current_partnership_id(), alias="Civic", agency=agencies["council"]
    )

    with pytest.raises(Exception, match="agencies_agencyalias_unique_alias|UNIQUE|unique"):
        AgencyAlias.objects.create(
            partnership_id=current_partnership_id(), alias="CIVIC", agency=agencies["police"]
        )


# --- splitting a cell -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LBB / Met", ["LBB", "Met"]),
        ("LBB/Met Police", ["LBB", "Met Police"]),
        ("Council and Police", ["Council", "Police"]),
        ("Met Police; NPS", ["Met Police", "NPS"]),
        ("Met Police, NPS + Athena", ["Met Police", "NPS", "Athena"]),
        ("Met Police\nNPS\n", ["Met Police", "NPS"]),
        ("Lewisham Council & Met Police", ["Lewisham Council", "Met Police"]),
        ("Lewisham Council AND NPS", ["Lewisham Council", "NPS"]),
        ("", []),
        (" ; / ", []),
        ("N/A", ["N/A"]),
    ],
)
def test_a_cell_is_split_into_the_organisations_it_names(london, text, expected):
    assert Organisations().names_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fire and Rescue Service",
        "Police and Crime Commissioner",
        "Lewisham & Greenwich NHS Trust",
        "Lewisham and Greenwich NHS Trust",
    ],
)
def test_the_name_of_a_known_agency_is_not_split(london, text):
    assert Organisations().names_in(text) == [text]


def test_a_known_agency_is_kept_whole_among_others(london):
    assert Organisations().names_in("Lewisham & Greenwich NHS Trust and Met Police / LBB") == [
        "Lewisham & Greenwich NHS Trust",
        "Met Police",
        "LBB",
    ]


def test_a_known_agency_with_separators_in_its_name_is_kept_whole(db):
    AgencyFactory(name="Children, Young People and Families", slug="cypf")
    AgencyFactory(name="Children", slug="children")

    assert Organisations().names_in("Children, Young People and Families; Children") == [
        "Children, Young People and Families",
        "Children",
    ]


def test_words_sharing_the_last_words_of_an_unknown_name_stay_with_it(agencies):
    assert Organisations().names_in("Fire and Rescue Service / Met Police") == [
        "Fire and Rescue Service",
        "Met Police",
    ]


def test_joint_leads_split_each_match_an_agency(london):
    organisations = Organisations()

    found = [organisations.find(name).agency for name in organisations.names_in("LBB / Met Police")]

    assert found == [london["bexley"], london["police"]]


# --- queries --------------------------------------------------------------------------------------


def test_finding_names_asks_the_database_nothing_more(london, django_assert_max_num_queries):
    remember("Civic Centre", london["council"], None)
    cells = ["LBB / Met", "Council and Police", "Civic Centre", "Lewisham Councill", "Unknown"]

    with django_assert_max_num_queries(2):
        organisations = Organisations()
    with django_assert_max_num_queries(0):
        for _ in range(20):
            for cell in cells:
                for name in organisations.names_in(cell):
                    organisations.find(name)


def test_reading_the_organisations_takes_the_same_queries_however_many(
    agencies, django_assert_num_queries
):
    with django_assert_num_queries(2):
        Organisations()
    for number in range(10):
        agency = AgencyFactory(name=f"Invented Agency {number}", slug=f"invented-{number}")
        remember(f"Invented {number}", agency, None)

    with django_assert_num_queries(2):
        Organisations()


# --- any text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "with_brackets"),
    [
        ("The Met (Lewisham)", "met", "met lewisham"),
        ("Lewisham & Greenwich", "lewisham and greenwich", "lewisham and greenwich"),
        ("St John’s [old]", "st johns", "st johns old"),
        ("—", "", ""),
    ],
)
def test_a_names_key_ignores_case_punctuation_the_and_brackets(text, expected, with_brackets):
    assert agency_key(text) == expected
    assert agency_key(text, brackets=True) == with_brackets


TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            ["LBB", "Met", "Police", " and ", " & ", "/", ",", ";", "\n", "+", "(", ")", "NHS"]
        ),
        max_size=30,
    ).map("".join),
)


@given(text=TEXT)
def test_finding_and_splitting_never_fail_for_any_text(london, text):
    organisations = Organisations()

    parts = organisations.names_in(text)

    assert all(part and part == part.strip() and part in text for part in parts)
    for part in [text, *parts]:
        found = organisations.find(part)
        assert found.agency is not None or found.message
        assert found.agency is None or found.how
        assert len(found.suggestions) <= 5


def test_a_name_of_common_words_alone_is_offered_the_partnerships_organisations_of_that_kind(db):
    council = AgencyFactory(name="Lewisham Council", slug="lewisham-council")
    AgencyFactory(name="Metropolitan Police Service", short_name="Met Police", slug="met")

    found = Organisations().find("Council")

    assert found.agency is None
    assert found.suggestions == (council,)
