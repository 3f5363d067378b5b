"""The roll-forward form posted with action ids no action can have ("²", a number of 4,301
digits, 2⁶³): the form is shown again saying what to put right, and nothing is written."""

import re

import pytest
from django.urls import reverse

from actions.models import Action
from plans.models import AnnualPlan
from tests.factories import ActionFactory, AnnualPlanFactory, StrandFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

ODD_IDS = {
    "a superscript two": "²",
    "an Arabic-Indic three": "٣",
    "4,301 digits": "1" * 4301,
    "2 to the 63": str(2**63),
    "2 to the 64": str(2**64),
    "minus one": "-1",
    "1e9999": "1e9999",
    "nothing": "",
    "a NUL": "1\x00",
}


def ticked(response) -> set[int]:
    boxes = re.findall(r'<input class="govuk-checkboxes__input"[^>]*>', response.content.decode())
    return {int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes if " checked" in box}


@pytest.mark.parametrize("odd", ODD_IDS.values(), ids=ODD_IDS.keys())
def test_an_odd_action_id_shows_the_form_again_and_writes_nothing(admin_client, odd):
    source = AnnualPlanFactory(financial_year=2017)
    action = ActionFactory(strand=StrandFactory(priority__plan=source))
    plans = AnnualPlan.objects.count()

    response = admin_client.post(
        reverse("plans:roll_forward", args=[source.slug]),
        {
            "into": "new",
            "title": "Next year",
            "slug": "next-year",
            "financial_year": "2018",
            "actions": [str(action.pk), odd],
        },
    )

    assert response.status_code == 400
    text = text_of(response)
    assert "There is a problem Select only actions of this plan" in text
    assert ticked(response) == {action.pk}
    assert AnnualPlan.objects.count() == plans
    assert not Action.objects.filter(carried_from__isnull=False).exists()
