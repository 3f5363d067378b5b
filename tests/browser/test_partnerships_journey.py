"""One installation, many partnerships, in real Chromium, with the whole demo (Safer Lewisham,
the invented Safer Eastmere and the oversight body over both): the oversight body compares the
two side by side and drills down into each; one partnership's officer finds nothing of the
other; its administrator's Plan administration holds its own partnership only; and someone of
both moves between them from the header."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPARISON = "/oversight/demo-pcc/"
EASTMERE = "/p/eastmere/"
EASTMERE_PLAN = EASTMERE + "plans/safer-eastmere-plan-17-18/"
# Eastmere's red actions in Q3 2017-18, from its data file (demo/demo_data/eastmere.yaml).
EASTMERE_RED = [
    "Weapons sweeps and stop and search briefings around the harbour estates",
    "Public Spaces Protection Order for the harbour front car parks",
]
KNIFE_CRIME = "Knife crime with injury, police recorded, per quarter"


def comparison_row(page, partnership):
    return page.locator("#comparison tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(partnership))
    )


def test_the_oversight_body_compares_the_partnerships_and_drills_into_each(
    page, live_server, whole_demo, sign_in, axe_check
):
    sign_in(page, "oversight")

    expect(page).to_have_url(live_server.url + COMPARISON)
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships side by side")
    expect(comparison_row(page, "Safer Eastmere Partnership")).to_have_count(1)
    expect(comparison_row(page, "Safer Lewisham Partnership")).to_have_count(1)

    page.get_by_role("navigation", name="Quarter compared").get_by_role(
        "link", name="Q3 2017-18"
    ).click()
    expect(page).to_have_url(re.compile(r"\?quarter=2017-3$"))
    expect(page.locator("#comparison-caption")).to_contain_text("Q3 2017-18")
    assert axe_check(page) == []

    eastmere_red = comparison_row(page, "Safer Eastmere Partnership").locator(
        '[data-figure="open_red"]'
    )
    expect(eastmere_red).to_contain_text(str(len(EASTMERE_RED)))
    eastmere_red.click()

    expect(page).to_have_url(re.compile(r"/p/eastmere/plans/safer-eastmere-plan-17-18/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safer Eastmere Plan 17-18")
    expect(page.get_by_role("heading", level=1)).to_contain_text("off track (red), Q3 2017-18")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(EASTMERE_RED))
    for action in EASTMERE_RED:
        expect(rows.filter(has_text=action)).to_have_count(1)

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships side by side")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"^Meeting pack of Safer Lewisham Partnership")
        ).click()
    pack = download.value
    assert pack.suggested_filename == "safer-lewisham-plan-17-18-Q3-pack.pdf"
    with open(pack.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name=KNIFE_CRIME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KNIFE_CRIME)
    values = page.locator("#values tbody tr")
    # Each partnership's Q3 value, from its data file.
    expect(values.filter(has_text="Safer Eastmere Partnership")).to_contain_text("34")
    expect(values.filter(has_text="Safer Lewisham Partnership")).to_contain_text("51")
    assert axe_check(page) == []


def test_another_partnerships_pages_are_not_found(page, live_server, whole_demo, sign_in):
    sign_in(page, "officer")  # of Safer Lewisham only

    for address in [EASTMERE, EASTMERE_PLAN, EASTMERE_PLAN + "quarters/3/", EASTMERE + "admin/"]:
        response = page.goto(live_server.url + address)

        assert response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        # Nothing of the partnership's work is on it. (The header and footer do name the
        # partnership of the address, as they do on its public pages.)
        main = page.get_by_role("main")
        expect(main).not_to_contain_text("Safer Eastmere Plan")
        expect(main).not_to_contain_text("harbour")


def test_plan_administration_holds_the_administrators_partnership_only(
    page, live_server, whole_demo, sign_in
):
    sign_in(page, "admin")
    page.get_by_role("link", name="Plan administration").click()

    expect(page).to_have_url(re.compile(r"/p/lewisham/admin/$"))
    expect(page.locator("#site-name")).to_have_text(
        "Safer Lewisham Partnership: plan administration"
    )

    page.get_by_role("link", name="Actions", exact=True).click()
    expect(page).to_have_url(re.compile(r"/p/lewisham/admin/actions/action/"))
    show_all = page.get_by_role("link", name=re.compile("Show all"))
    if show_all.count():
        show_all.click()
    results = page.locator("#result_list tbody tr")
    expect(results.first).to_be_visible()
    expect(page.locator("#result_list")).not_to_contain_text("harbour")
    for action in EASTMERE_RED:
        expect(page.locator("#changelist")).not_to_contain_text(action)

    page.goto(live_server.url + "/p/lewisham/admin/")
    page.get_by_role("link", name="Partnerships", exact=True).click()
    partnerships = page.locator("#result_list tbody tr")
    expect(partnerships).to_have_count(1)
    expect(partnerships).to_contain_text("Safer Lewisham Partnership")

    page.goto(live_server.url + "/p/lewisham/admin/")
    page.get_by_role("link", name="Users", exact=True).click()
    users = page.locator("#result_list tbody")
    expect(users).to_contain_text("officer")
    expect(users).to_contain_text("inspector")
    expect(users).not_to_contain_text("eastmere-")


def test_someone_of_both_partnerships_changes_partnership_from_the_header(
    page, live_server, whole_demo, sign_in
):
    sign_in(page, "inspector")
    page.goto(live_server.url + "/p/lewisham/")
    expect(page.get_by_role("banner")).to_contain_text("Safer Lewisham Partnership")

    page.get_by_role("banner").get_by_role("link", name=re.compile("^Change partnership")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your partnerships")
    choices = page.get_by_role("main").get_by_role("link")
    expect(choices.filter(has_text="Safer Lewisham Partnership")).to_have_count(1)
    expect(choices.filter(has_text="Safer Eastmere Partnership")).to_have_count(1)
    choices.filter(has_text="Safer Eastmere Partnership").click()

    expect(page).to_have_url(re.compile(r"/p/eastmere/"))
    expect(page.get_by_role("banner")).to_contain_text("Safer Eastmere Partnership")
    expect(page.get_by_role("main")).to_contain_text("Safer Eastmere Plan 17-18")


def test_the_comparison_reflows_on_a_narrow_screen(page, live_server, whole_demo, sign_in):
    """At 320 CSS pixels (WCAG reflow) the page does not scroll sideways: the wide table
    scrolls inside its own region, which the keyboard can reach."""
    sign_in(page, "oversight")
    page.set_viewport_size({"width": 320, "height": 800})

    for address in [
        COMPARISON + "?quarter=2017-3",
        COMPARISON + "indicators/knife-crime-with-injury/",
    ]:
        page.goto(live_server.url + address)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, address
    table = page.locator(".app-table-scroll").first
    assert table.get_attribute("tabindex") == "0"
    assert table.get_attribute("role") == "region"
