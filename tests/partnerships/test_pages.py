"""The partnership's addresses: /p/<slug>/, the choice of partnership for someone of several,
the single-partnership days' addresses redirecting, a partnership that is not there, and its
logo."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_someone_of_two_partnerships_chooses_between_them(whole_demo):
    inspector = client_for("inspector")

    choice = inspector.get("/", {"choose": "1"})
    page = choice.content.decode()

    assert choice.status_code == 200
    assert 'href="/p/lewisham/"' in page and 'href="/p/eastmere/"' in page
    assert "Change partnership" in inspector.get("/p/eastmere/").content.decode()


def test_someone_of_one_partnership_has_no_choice_to_make(whole_demo):
    officer = client_for("officer")

    assert officer.get("/").url == "/p/lewisham/actions/mine/"
    assert "Change partnership" not in officer.get("/p/lewisham/").content.decode()


def test_the_root_goes_back_to_the_partnership_last_worked_in(whole_demo):
    inspector = client_for("inspector")
    inspector.get("/p/eastmere/")

    assert inspector.get("/").url == "/p/eastmere/actions/mine/"
    assert inspector.get("/plans/safer-eastmere-plan-17-18/").url == (
        "/p/eastmere/plans/safer-eastmere-plan-17-18/"
    )


def test_an_old_address_redirects_with_its_query(whole_demo):
    chair = client_for("chair")

    response = chair.get("/plans/safer-lewisham-plan-17-18/quarters/3/actions/?figure=off_track")

    assert response.status_code == 302
    assert response.url == (
        "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters/3/actions/?figure=off_track"
    )


def test_an_old_public_address_redirects_when_there_is_one_partnership(db):
    Partnership.objects.exclude(slug="lewisham").delete()

    response = Client().get("/public/")

    assert response.status_code == 302
    assert response.url == "/p/lewisham/public/"


@pytest.mark.parametrize("address", ["/p/nowhere/", "/p/nowhere/plans/x/", "/p/Lewisham/"])
def test_a_partnership_that_is_not_there_is_404(whole_demo, address):
    assert client_for("chair").get(address).status_code == 404


def test_a_closed_partnership_is_not_there(whole_demo):
    Partnership.objects.filter(slug="eastmere").update(is_active=False)

    assert client_for("eastmere-chair").get("/p/eastmere/").status_code == 404


def logo_file():
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(image, format="PNG")
    return SimpleUploadedFile("logo.png", image.getvalue(), content_type="image/png")


def test_its_administrator_gives_it_a_logo_shown_in_its_header(whole_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = client_for("admin")
    lewisham = Partnership.objects.get(slug="lewisham")
    url = f"/p/lewisham/admin/partnerships/partnership/{lewisham.pk}/change/"

    response = admin.post(
        url,
        {
            "name": lewisham.name,
            "short_name": lewisham.short_name,
            "area": lewisham.area,
            "contact_email": lewisham.contact_email,
            "logo": logo_file(),
        },
    )

    assert response.status_code == 302
    lewisham.refresh_from_db()
    assert lewisham.slug == "lewisham"  # its address is not the administrator's to change
    logo = Client().get("/p/lewisham/logo/")
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert 'src="/p/lewisham/logo/"' in admin.get("/p/lewisham/").content.decode()


def test_a_partnership_without_a_logo_has_none(whole_demo):
    assert Client().get("/p/eastmere/logo/").status_code == 404
