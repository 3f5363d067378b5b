"""The meeting pack of a large plan, prepared by a background job (docs/background-jobs.md):
drawing the pack of 2,000 actions takes ReportLab about 14 seconds, too long for a page to wait.
``pack_in_background`` finds or asks for the file (preparedfiles), ``prepare_pack`` draws it
on a worker, telling the file's page how many actions it has drawn."""

import hashlib
from dataclasses import replace

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from partnerships.context import acting_in
from partnerships.models import Partnership
from plans.models import AnnualPlan
from preparedfiles.models import PreparedFile
from preparedfiles.preparing import PreparingJob, Progress, ask_for, begin, finish, start

from .building import as_read_by_oversight, review_for
from .figures import QuarterlyReview
from .outputs.pack import build_pack

PDF = "application/pdf"


def filename(review: QuarterlyReview, suffix: str) -> str:
    """ "safer-lewisham-plan-17-18-Q3-pack.pdf": the plan, the quarter and what it is, so that
    files saved side by side for a committee sort and say what they are."""
    return f"{review.plan_slug}-Q{review.quarter}-{suffix}"


def pack_key(plan_id: int, quarter: int, *, oversight: bool) -> str:
    """What a prepared pack is: a plan's quarter as its partnership reads it, or as an
    oversight body does (without names or internal narratives): never one for the other."""
    reader = "oversight" if oversight else "partnership"
    return f"reviews.pack plan={plan_id} quarter={quarter} {reader}"


def fingerprint(review: QuarterlyReview) -> str:
    """A hash of everything the pack draws from the review: the same for the same figures,
    updates and names on the same day (lateness and the pack's "Prepared" date are the day's),
    different once anything in the plan's quarter has changed. Hashed from the review's
    ``repr`` (every field of its dataclasses, in order; nothing unordered): a tenth of the time
    its JSON takes, 25 ms for 2,000 actions."""
    as_of_the_day = replace(review, generated_at=timezone.localdate(review.generated_at))
    return hashlib.sha256(repr(as_of_the_day).encode()).hexdigest()


def pack_in_background(plan, review: QuarterlyReview, person, *, oversight: bool) -> PreparedFile:
    """The prepared pack to send the person to for the plan's quarter (``review``, as they read
    it): the one being prepared, or one ready and drawn from the same figures; else a new one,
    its job started (and, with no job queue, already run)."""
    prepared, new = ask_for(
        key=pack_key(plan.pk, review.quarter, oversight=oversight),
        fingerprint=fingerprint(review),
        title=f"Meeting pack, {review.quarter_label}, {review.plan_title}",
        counting="actions",
        content_type=PDF,
        download_name=filename(review, "pack.pdf"),
        person=person,
    )
    if new:
        start(prepared, prepare_pack, plan.pk, review.quarter, oversight)
    return prepared


@shared_task(
    name="reviews.prepare_pack",
    base=PreparingJob,
    # The database out for a moment: try again, waiting about 10 seconds, then 20, 40, up to
    # two minutes, at random up to that, three times; then the pack's page says it failed.
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=10,
    retry_backoff_max=2 * 60,
    retry_jitter=True,
    max_retries=3,
    # A pack of several thousand actions takes a minute or two: well within these.
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def prepare_pack(
    partnership_id: int, prepared_id: int, plan_id: int, quarter: int, oversight: bool
) -> str:
    """Draw the meeting pack of a plan's quarter into the prepared file, as its partnership (or,
    ``oversight``, an oversight body) reads it: a closed quarter's from its snapshot. A file
    already ready (the job run twice) or given up is left alone."""
    partnership = Partnership.objects.get(pk=partnership_id)
    with acting_in(partnership, oversight=oversight):
        prepared = PreparedFile.objects.get(pk=prepared_id)
        if not prepared.is_in_progress:
            return f"not prepared: already {prepared.get_state_display().lower()}"
        begin(prepared)
        plan = AnnualPlan.objects.get(pk=plan_id)
        review = review_for(plan, quarter)
        if oversight:
            review = as_read_by_oversight(review)
        pdf = build_pack(review, partnership.name, progress=Progress(prepared))
        finish(prepared, pdf, fingerprint(review))
    return f"{len(review.rows)} actions, {len(pdf)} bytes"
