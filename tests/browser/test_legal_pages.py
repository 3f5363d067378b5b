"""The legal pages in real Chromium: someone signed out follows the footer's links from the
partnership's public pages to its accessibility statement, privacy notice and cookies page, and
from the sign-in page to the installation's own. Every page passes axe-core (WCAG 2.2 A and AA).
(Plan administration's legal pages are reached by the administrator's crawl of
test_every_page.py, and their behaviour is tested in tests/legal/test_admin.py.)"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each page: its footer link, its heading, its address.
PAGES = [
    ("Accessibility statement", "Accessibility statement for", "accessibility/"),
    ("Privacy notice", "Privacy notice", "privacy/"),
    ("Cookies", "Cookies", "cookies/"),
]


def test_anyone_follows_the_footer_to_each_legal_page(page, live_server, demo_data, axe_check):
    for start, prefix in [("/p/lewisham/public/", "/p/lewisham/"), ("/sign-in/", "/")]:
        for link, heading, address in PAGES:
            page.goto(live_server.url + start)
            page.get_by_role("contentinfo").get_by_role("link", name=link, exact=True).click()

            expect(page).to_have_url(live_server.url + prefix + address)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            if address == "privacy/":
                main = page.get_by_role("main")
                if prefix == "/":
                    expect(main).not_to_contain_text("Safer Lewisham")
                else:
                    expect(main).to_contain_text("The Safer Lewisham Partnership is the statutory")
            assert axe_check(page) == [], f"{start} → {link}"
