"""Admin's forms give every input an accessible name (govuk/admin_accessibility.py):
the browser crawl checks them with axe-core; these say what is expected, quickly."""

import re

import pytest
from django.urls import reverse

from agencies import roles
from tests.conftest import in_role
from tests.factories import StrandFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_strands_action_rows_name_each_input_and_select(admin_client):
    strand = StrandFactory()

    page = admin_client.get(reverse("admin:priorities_strand_change", args=[strand.pk]))
    html = page.content.decode()

    select = re.search(r'<select name="actions-0-lead_agency"[^>]*>', html).group(0)
    assert 'aria-label="Lead agency, row 1"' in select
    assert re.search(r'<textarea name="actions-0-text"[^>]*aria-label="Text, row 1"', html)


def test_a_users_date_and_time_inputs_are_named(admin_client):
    someone = in_role(UserFactory(), roles.OFFICERS)

    html = admin_client.get(reverse("admin:auth_user_change", args=[someone.pk])).content.decode()

    assert 'aria-label="Date joined: date"' in html
    assert 'aria-label="Date joined: time"' in html
