"""A large plan's meeting pack in real Chromium: the chair follows the pack's link, waits on its
page, which without JavaScript shows how far the job has got each time they check again, and with
JavaScript follows the job by itself (static/js/prepared-file.mjs); then downloads the pack once
it is ready. The demo plan (37 actions) counts as large here; the job is started by the test, as
a worker would take it from a busy queue."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import AnnualPlan
from preparedfiles.models import PreparedFile
from preparedfiles.preparing import Progress, ask_for, begin, start
from reviews.tasks import pack_key, prepare_pack
from tests.conftest import DEMO_PLAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = f"/p/lewisham/plans/{DEMO_PLAN}/quarters/3/"


@pytest.fixture(autouse=True)
def large_above_ten_actions(settings):
    settings.BACKGROUND_DOWNLOAD_ACTIONS = 10


def pack_in_the_queue(plan) -> PreparedFile:
    """The plan's Q3 pack, asked for by someone before, its job waiting in a busy queue."""
    prepared, _new = ask_for(
        key=pack_key(plan.pk, 3, oversight=False),
        fingerprint="asked-earlier",
        title=f"Meeting pack, Q3 2017-18, {plan.title}",
        counting="actions",
        content_type="application/pdf",
        download_name=f"{plan.slug}-Q3-pack.pdf",
        person=None,
    )
    return prepared


def test_the_packs_page_shows_the_jobs_progress_without_javascript_then_gives_the_pack(
    browser, live_server, demo_data, sign_in
):
    plan = AnnualPlan.objects.get(slug=DEMO_PLAN)
    prepared = pack_in_the_queue(plan)
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    sign_in(page, "chair")
    page.goto(live_server.url + Q3)

    page.get_by_role("link", name="Meeting pack (PDF)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the meeting pack")
    expect(page.get_by_text("Waiting for its turn to start.")).to_be_visible()
    status_address = page.url

    begin(prepared)  # a worker takes the job...
    Progress(prepared)(10, 37)  # ...and has drawn ten actions
    page.wait_for_timeout(4_000)  # the page does not change by itself...
    expect(page.get_by_text("Waiting for its turn to start.")).to_be_visible()

    page.get_by_role("button", name="Check again").click()  # ...but when asked

    expect(page.get_by_text("10 of 37 actions")).to_be_visible()
    assert page.url == status_address

    start(prepared, prepare_pack, plan.pk, 3, False)  # the worker finishes it
    page.get_by_role("button", name="Check again").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The meeting pack is ready")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Download the meeting pack \(PDF, ")).click()
    pack = download.value
    assert pack.suggested_filename == f"{DEMO_PLAN}-Q3-pack.pdf"
    with open(pack.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    context.close()


def test_with_javascript_the_packs_page_follows_the_job_by_itself(
    page, live_server, demo_data, sign_in
):
    plan = AnnualPlan.objects.get(slug=DEMO_PLAN)
    prepared = pack_in_the_queue(plan)
    sign_in(page, "chair")
    page.goto(live_server.url + Q3 + f"pack/{prepared.pk}/")
    region = page.locator("#prepared-file-status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region.get_by_text("Waiting for its turn to start.")).to_be_visible()
    # Marked on the page as served: gone if the page were loaded again, or (the heading) if
    # the script replaced the whole region rather than the progress alone, which a screen
    # reader would then read out whole every few seconds.
    page.evaluate("window.servedOnce = true")
    page.evaluate("document.querySelector('#prepared-file-status h1').servedOnce = true")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    begin(prepared)
    Progress(prepared)(10, 37)

    expect(region.get_by_text("10 of 37 actions")).to_be_visible()
    assert page.evaluate("document.querySelector('#prepared-file-status h1').servedOnce")

    start(prepared, prepare_pack, plan.pk, 3, False)

    expect(region.get_by_role("heading", level=1)).to_have_text("The meeting pack is ready")
    expect(page).to_have_title(re.compile(r"^Ready: Meeting pack, Q3 2017-18, "))
    download = region.get_by_role("button", name=re.compile(r"^Download the meeting pack \(PDF, "))
    expect(download).to_have_attribute("href", re.compile(r"/pack/\d+/pack\.pdf$"))
    expect(download).to_have_attribute("data-govuk-button-init", "")  # set up as a GOV.UK button
    assert navigations == []
    assert page.evaluate("window.servedOnce") is True
    expect(region).not_to_have_attribute("data-check-every", re.compile(".*"))


def test_the_packs_page_passes_axe_while_waiting_ready_and_failed(
    page, live_server, demo_data, sign_in, axe_check
):
    plan = AnnualPlan.objects.get(slug=DEMO_PLAN)
    prepared = pack_in_the_queue(plan)
    sign_in(page, "chair")
    address = live_server.url + Q3 + f"pack/{prepared.pk}/"

    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing the meeting pack")
    expect(page.get_by_role("button", name="Check again")).to_be_visible()
    assert axe_check(page) == []

    start(prepared, prepare_pack, plan.pk, 3, False)
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("The meeting pack is ready")
    assert axe_check(page) == []

    PreparedFile.objects.filter(pk=prepared.pk).update(
        state=PreparedFile.State.FAILED, error="Something went wrong while it was being prepared."
    )
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The meeting pack could not be prepared"
    )
    expect(page.get_by_role("button", name="Try again")).to_have_attribute(
        "href", re.compile(r"/quarters/3/pack\.pdf$")
    )
    assert axe_check(page) == []
