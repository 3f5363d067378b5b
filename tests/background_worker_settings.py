"""The settings of the worker tests/test_background_jobs.py starts: the service's own, with the
e-mails written as files into the test's folder (TEST_EMAIL_FILE_PATH) for the test to count."""

import os

from safer_lewisham.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
