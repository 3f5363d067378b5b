"""Keyboard only: the two pages people use most, the update form and the quarterly page, used
with the Tab, arrow and Enter keys alone. The skip link comes first and works, focus moves in
the order the page reads, and wherever focus is, it can be seen."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters/3/"

# Everything Tab can stop on, in document order (what the browser's own tab order follows when
# no element sets a positive tabindex).
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)

DESCRIBE_FOCUS = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const rect = element.getBoundingClientRect();
    return {
        key: element.outerHTML.slice(0, 120),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        background: style.backgroundColor,
        visible: rect.width > 0 && rect.height > 0,
    };
}"""


def _focus_is_visible(page, focused):
    """A focus indicator is drawn: an outline, a box shadow (GOV.UK's focus style uses both) or
    a background other than the one the element has without focus."""
    if focused["outline"] or focused["shadow"]:
        return True
    unfocused = page.evaluate(
        "() => { const e = document.activeElement; e.blur();"
        " const bg = getComputedStyle(e).backgroundColor; e.focus(); return bg; }"
    )
    return unfocused != focused["background"]


def _tab_through(page, stop_at=400):
    """Press Tab until focus leaves the page or comes round again; the focused elements, in
    order, each checked for a visible focus indicator."""
    order = []
    for _ in range(stop_at):
        page.keyboard.press("Tab")
        focused = page.evaluate(DESCRIBE_FOCUS)
        if focused is None or (order and focused["key"] == order[0]["key"]):
            break
        assert focused["visible"], f"Focus went to something that cannot be seen: {focused}"
        assert _focus_is_visible(page, focused), f"No visible focus on {focused['key']}"
        order.append(focused)
    return [item["key"] for item in order]


def _document_order(page):
    return page.eval_on_selector_all(
        FOCUSABLE,
        """elements => elements
            .filter(e => e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}))
            .filter(e => {
                // A radio group is one Tab stop: its checked radio, or its first if none is.
                if (e.type !== 'radio') return true;
                const group = [...document.querySelectorAll('input[type=radio]')]
                    .filter(o => o.name === e.name && o.form === e.form);
                const checked = group.find(o => o.checked);
                return e === (checked || group[0]);
            })
            .map(e => e.outerHTML.slice(0, 120))""",
    )


def test_the_skip_link_is_first_and_moves_focus_to_the_content(
    page, live_server, demo_data, sign_in
):
    sign_in(page, "chair")
    page.goto(live_server.url + Q3)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab goes to the first thing in the content, not back to the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate(
        "document.querySelector('#main-content').contains(document.activeElement)"
    )
    assert in_main


def test_the_quarterly_page_tab_order_follows_the_page_and_focus_is_always_visible(
    page, live_server, demo_data, sign_in
):
    sign_in(page, "chair")
    page.goto(live_server.url + Q3)

    tabbed = _tab_through(page)

    assert tabbed == _document_order(page)
    assert any("Meeting pack" in key for key in tabbed)


def test_an_officer_records_progress_with_the_keyboard_alone(page, live_server, demo_data, sign_in):
    sign_in(page, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("My updates")
    # The first action needing an update, reached by tabbing to its link and pressing Enter.
    page.get_by_role("link", name="Open Day").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Update progress").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record progress")

    tabbed = _tab_through(page)
    assert tabbed == _document_order(page)

    # Fill it in: focus the RAG radios, arrow to Amber, Tab to the narrative, Tab to the save
    # button, Enter.
    page.get_by_label("Red", exact=True).focus()
    page.keyboard.press("ArrowDown")  # from red to amber, in the order the radios are listed
    expect(page.get_by_label("Amber", exact=True)).to_be_checked()
    page.get_by_label("Narrative", exact=True).focus()
    page.keyboard.type("Venue confirmed; awaiting the partners' dates.")
    for _ in range(15):
        page.keyboard.press("Tab")
        if (
            page.evaluate(
                "(document.activeElement.value || document.activeElement.textContent).trim()"
            )
            == "Save progress"
        ):
            break
    else:
        raise AssertionError("Tab never reached the Save progress button")
    page.keyboard.press("Enter")

    expect(page.get_by_text(re.compile("Progress for Q4 2017-18 saved"))).to_be_visible()
