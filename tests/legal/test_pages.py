"""The legal pages: the default text filled with the partnership's details, its own text when it
has written one (shown as text, never as HTML), never another partnership's, open to everyone,
and linked from the footer of every page."""

import re
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from agencies import roles
from legal.models import LegalPage
from partnerships.models import OversightBody, Partnership
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID, in_role
from tests.factories import AgencyFactory, LegalPageFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

KINDS = ["accessibility", "privacy", "cookies"]


def read(response) -> str:
    """The page's text as a reader sees it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def main(response) -> str:
    """The text of the page's main content (without the header and footer)."""
    html = response.content.decode()
    inner = html.split('id="main-content">', 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split())


@pytest.fixture
def lewisham():
    return Partnership.objects.get(pk=TEST_PARTNERSHIP_ID)


@pytest.mark.parametrize("kind", KINDS)
def test_anyone_reads_each_page_without_signing_in(client, kind):
    response = client.get(f"{PREFIX}/{kind}/")

    assert response.status_code == 200
    assert response.cookies == {}  # the cookies page says reading sets none


@pytest.mark.parametrize("kind", KINDS)
def test_the_sites_root_has_the_installations_own_page(client, kind):
    response = client.get(f"/{kind}/")

    assert response.status_code == 200
    assert "Safer Lewisham" not in main(response)


def test_the_default_accessibility_statement_names_the_partnership_and_its_e_mail(client):
    response = client.get(f"{PREFIX}/accessibility/")
    page = main(response)

    assert "Accessibility statement for" in page
    assert "This website is run by the Safer Lewisham Partnership" in page
    assert "e-mail safer.lewisham@example.org" in page
    assert 'href="mailto:safer.lewisham@example.org"' in response.content.decode()
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in page
    assert "not a tagged PDF" in page
    assert "no Welsh version" in page
    assert "Equality and Human Rights Commission" in page


def test_the_default_privacy_notice_names_the_partnership_its_area_and_partners(client):
    AgencyFactory(name="Lewisham Fire and Rescue")
    AgencyFactory(name="Eastmere Police", partner_of=[PartnershipFactory()])

    page = main(client.get(f"{PREFIX}/privacy/"))

    assert "The Safer Lewisham Partnership is the statutory Community Safety Partnership" in page
    assert "for the London Borough of Lewisham" in page
    assert "Lewisham Fire and Rescue" in page
    assert "Eastmere Police" not in page
    assert "e-mail safer.lewisham@example.org" in page
    assert "sections 5 to 7 of the Crime and Disorder Act 1998" in page
    assert "Information Commissioner" in page


def test_the_default_cookies_page_lists_the_cookies_the_settings_name(client, settings):
    settings.SESSION_COOKIE_NAME = "csp_session"
    settings.SESSION_COOKIE_AGE = 30 * 60

    page = main(client.get(f"{PREFIX}/cookies/"))

    assert "csp_session: remembers that you have signed in" in page
    assert "expires 30 minutes after you last used the service" in page
    assert f"{settings.CSRF_COOKIE_NAME}: stops other websites" in page
    assert "you will not see a cookie banner" in page


def test_a_partnership_without_a_contact_e_mail_is_named_instead(client, lewisham):
    Partnership.objects.filter(pk=lewisham.pk).update(contact_email="")

    page = main(client.get(f"{PREFIX}/accessibility/"))

    assert "contact the Safer Lewisham Partnership" in page
    assert "@" not in page


def test_the_partnerships_own_text_replaces_the_default(client):
    LegalPageFactory(kind=LegalPage.Kind.COOKIES, text="## Our cookies\n\n- only one")

    response = client.get(f"{PREFIX}/cookies/")

    assert '<h2 class="govuk-heading-m">Our cookies</h2>' in response.content.decode()
    assert main(response).startswith("Cookies Our cookies only one Last updated")
    assert "cookie banner" not in main(response)


def test_html_typed_into_a_page_is_shown_as_text(client):
    LegalPageFactory(text="<script>alert('x')</script> and <b>bold</b>")

    response = client.get(f"{PREFIX}/privacy/")
    html = response.content.decode()

    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;" in html


def test_one_partnerships_text_never_shows_on_anothers_page(client):
    eastmere = PartnershipFactory(name="Safer Eastmere Partnership", slug="eastmere")
    LegalPageFactory(partnership=eastmere, text="Eastmere's own privacy notice.")

    ours = main(client.get(f"{PREFIX}/privacy/"))
    theirs = main(client.get("/p/eastmere/privacy/"))
    root = main(client.get("/privacy/"))

    assert "Eastmere's own privacy notice." not in ours
    assert "Safer Lewisham Partnership is the statutory" in ours
    assert "Eastmere's own privacy notice." in theirs
    assert "Eastmere's own privacy notice." not in root


def test_a_person_of_another_partnership_reads_its_pages(lewisham):
    LegalPageFactory(text="Lewisham's own privacy notice.")
    elsewhere = PartnershipFactory()
    client = Client()
    client.force_login(in_role(UserFactory(), roles.ADMINISTRATORS, partnership=elsewhere))

    response = client.get(f"{PREFIX}/privacy/")

    assert response.status_code == 200
    assert "Lewisham's own privacy notice." in main(response)
    # ... and nothing else of the partnership: its other pages still answer 404.
    assert client.get(f"{PREFIX}/").status_code == 404


def test_an_oversight_body_reads_the_partnerships_own_text(lewisham):
    LegalPageFactory(text="Lewisham's own privacy notice.")
    body = OversightBody.objects.create(name="Office of the PCC", slug="opcc")
    body.covers.add(lewisham)
    user = UserFactory(username="overseer")
    body.members.add(user)
    client = Client()
    client.force_login(user)

    response = client.get(f"{PREFIX}/privacy/")

    assert response.status_code == 200
    assert "Lewisham's own privacy notice." in main(response)


def test_a_closed_partnerships_pages_are_not_there(client, lewisham):
    Partnership.objects.filter(pk=lewisham.pk).update(is_active=False)

    assert client.get(f"{PREFIX}/privacy/").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_nobody_posts_to_a_page(client, kind):
    assert client.post(f"{PREFIX}/{kind}/").status_code == 405


def footer_links(response) -> list[str]:
    html = response.content.decode()
    footer = re.search(r'<footer class="govuk-footer">.*?</footer>', html, re.S).group(0)
    return re.findall(r'class="govuk-footer__link" href="([^"]+)"', footer)


def test_a_partnerships_pages_link_to_its_legal_pages_in_the_footer(member_client):
    for url in [f"{PREFIX}/", f"{PREFIX}/public/", f"{PREFIX}/cookies/"]:
        assert footer_links(member_client.get(url)) == [
            f"{PREFIX}/accessibility/",
            f"{PREFIX}/privacy/",
            f"{PREFIX}/cookies/",
        ], url


def test_the_sites_own_pages_link_to_the_installations_legal_pages(client):
    response = client.get("/sign-in/")

    assert footer_links(response) == ["/accessibility/", "/privacy/", "/cookies/"]


def test_the_not_found_page_of_another_partnership_names_no_partnership_in_its_links():
    client = Client()
    client.force_login(in_role(UserFactory(), roles.OFFICERS, partnership=PartnershipFactory()))

    response = client.get(f"{PREFIX}/")

    assert response.status_code == 404
    assert footer_links(response) == ["/accessibility/", "/privacy/", "/cookies/"]


def test_plan_administration_links_to_the_legal_pages_too(administrator):
    client = Client()
    client.force_login(administrator)

    html = client.get(f"{PREFIX}/admin/").content.decode()
    footer = re.search(r'<footer id="footer">.*?</footer>', html, re.S).group(0)

    assert re.findall(r'href="([^"]+)"', footer) == [
        f"{PREFIX}/accessibility/",
        f"{PREFIX}/privacy/",
        f"{PREFIX}/cookies/",
    ]


def test_the_page_title_names_the_page_and_the_partnership(client):
    html = client.get(f"{PREFIX}/privacy/").content.decode()

    assert "<title>Privacy notice – Safer Lewisham Partnership</title>" in html


def test_the_database_refuses_a_second_page_of_a_kind_in_one_partnership():
    LegalPageFactory(kind=LegalPage.Kind.PRIVACY)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalPageFactory(kind=LegalPage.Kind.PRIVACY)
    LegalPageFactory(kind=LegalPage.Kind.PRIVACY, partnership=PartnershipFactory())

    assert LegalPage.objects.filter(kind=LegalPage.Kind.PRIVACY).count() == 2
