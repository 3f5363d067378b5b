"""A job for tests/test_background_jobs.py only, which the worker started there imports
(``--include``): it always fails as a mail server out of reach does, and writes down each try."""

import time

from celery import shared_task


@shared_task(
    name="tests.always_fails",
    bind=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=2,
)
def always_fails(self, tries_file: str):
    with open(tries_file, "a") as tries:
        tries.write(f"{self.request.retries} {time.time()}\n")
    raise ConnectionError("the test's mail server is out of reach")
