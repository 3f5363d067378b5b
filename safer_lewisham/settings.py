"""Settings for the action-plan tracker.

One module, read from the environment. Every setting that differs between a laptop and production
comes from an environment variable with a safe local default, so that `make run` works on any
machine and a production deployment only has to set variables:

- ``DEBUG``: "true" locally (the default), "false" in production.
- ``SECRET_KEY``: required when DEBUG is off; a fixed, clearly-local key is used otherwise.
- ``ALLOWED_HOSTS``: comma-separated host names; defaults to the loopback names locally.
- ``CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://csp.example.gov.uk``), production.
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/name``; otherwise a SQLite file in the
  checkout.
- ``SERVICE_NAME``: the service's name, shown on every page.
- ``PARTNERSHIP_NAME`` (and ``PARTNERSHIP_SLUG``): only for upgrading an installation made
  before partnerships: its data moves into one partnership of this name (address: this slug,
  else the name's), docs/partnerships.md. Each partnership's own name is in the database.
- ``SECURE_SSL_REDIRECT``: "false" to leave HTTPS redirects to a proxy that already does them.
- ``SECURE_HSTS_SECONDS`` (default one year) and ``SECURE_HSTS_PRELOAD`` (default "false").
- ``BEHIND_TLS_PROXY``: "true" when a proxy terminates HTTPS: it must set X-Forwarded-Proto and
  append the client's address to X-Forwarded-For (read for login throttling).
- ``SESSION_IDLE_MINUTES``: minutes without a request after which a signed-in person must sign in
  again (default 120).
- ``EMAIL_HOST``: the SMTP server that sends password reset e-mails. Unset (the default), e-mails
  are written to the console instead of being sent. With it set, also read:
  ``EMAIL_PORT`` (default 587), ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD`` and
  ``EMAIL_USE_TLS`` (default "true").
- ``DEFAULT_FROM_EMAIL``: the address e-mails come from (default ``no-reply@localhost``).
- ``SITE_URL``: the site's address as people reach it, for the links in e-mails sent outside a
  request (the update round), e.g. ``https://csp.example.gov.uk`` (default
  ``http://127.0.0.1:8000``).
- ``UPDATE_WINDOW_OPENS_DAYS_BEFORE_END`` (default 14), ``UPDATE_WINDOW_CLOSES_DAYS_AFTER_END``
  (default 10), ``UPDATE_REMINDER_DAYS_BEFORE_CLOSE`` (default 3), ``ROUND_EMAIL_MAX_ATTEMPTS``
  (default 5): the quarterly update round (docs/update-round.md).
- ``SSO_TIMEOUT_SECONDS`` (default 5), ``SSO_DISCOVERY_CACHE_SECONDS`` (default 300),
  ``SSO_CLOCK_LEEWAY_SECONDS`` (default 60): single sign-on (docs/single-sign-on.md).
- ``MEDIA_ROOT``: the folder uploaded files are kept in when there is no bucket (default
  ``media/`` in the checkout).
- ``STORAGE_BUCKET``: an S3-compatible store's bucket to keep uploaded files in instead
  (docs/deployment.md); with it, ``STORAGE_ENDPOINT_URL`` (blank for AWS), ``STORAGE_REGION``,
  ``STORAGE_ACCESS_KEY_ID``, ``STORAGE_SECRET_ACCESS_KEY`` (blank: boto3's own credentials) and
  ``STORAGE_ADDRESSING_STYLE`` ("path" for most MinIO servers).
- ``CELERY_BROKER_URL``: the background jobs' queue, e.g. ``redis://HOST:6379/1``
  (docs/background-jobs.md). Unset (the default), every job runs at once in the process that
  asks for it, so that `make run` and the tests need no Redis.
- ``BACKGROUND_DOWNLOAD_ACTIONS`` (default 400): a plan of more actions has its meeting pack
  prepared by a background job (docs/background-jobs.md).
- ``PAGE_CACHE``: keep a partnership's busiest pages until the data changes (docs/performance.md);
  default "true" with ``REDIS_URL`` or ``DEBUG``, otherwise "false".
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a yes/no environment variable ("true", "1", "yes" are yes)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Read a comma-separated environment variable into a list, ignoring blanks."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Local development is the default; production switches DEBUG off and must then say everything.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Only ever used locally: anything signed with it is worthless elsewhere.
    SECRET_KEY = "local-development-only-not-secret-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django admin as Plan administration, per partnership (partnerships/admin_site.py).
    "safer_lewisham.apps.PlanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    # Who changed what, when, with the values before and after, for every model of the plan.
    "simple_history",
    # The outcome of each background job (Celery), kept in the database: the site's admin lists
    # the jobs that failed (docs/background-jobs.md).
    "django_celery_results",
    # The project's own apps, one per concept of the domain.
    # The GOV.UK Design System's components (template tags), shared by every app below it.
    "govuk",
    "spreadsheets",
    # The partnerships sharing the installation, their people's roles and the oversight bodies
    # above them: every other app's data belongs to one partnership (docs/partnerships.md).
    "partnerships",
    # Two-factor authentication (docs/security.md): an authenticator app (django-otp's TOTP
    # devices) and recovery codes (its static tokens); administrators must use it.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "twofactor",
    # Files a background job prepares for someone: a large plan's meeting pack.
    "preparedfiles",
    "agencies",
    # How people join a partnership: invitations by e-mail, one by one or from a spreadsheet.
    "invitations",
    # Single sign-on with an organisation's OpenID Connect provider (docs/single-sign-on.md).
    "sso",
    # The legal pages every page's footer links to: accessibility statement, privacy notice and
    # cookies, each partnership's own or the default (docs/legal-pages.md).
    "legal",
    "plans",
    "priorities",
    "actions",
    "reviews",
    "consultation",
    "imports",
    "bulkupdates",
    "public",
    "indicators",
    "rounds",
    # Oversight bodies' pages: the partnerships they cover side by side.
    "oversight",
    # The demo data and `seed_demo`, above every app it fills.
    "demo",
    # Security (see docs/security.md): login throttling and the Content Security Policy.
    "axes",
    "csp",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered first: before the host check and the HTTPS redirect that a
    # load balancer's plain-HTTP check by address would fail (safer_lewisham/health.py).
    "safer_lewisham.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise serves the static files (GOV.UK Frontend included) in production without a
    # separate web server; it sits straight after SecurityMiddleware as its docs require.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below) on every page.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A partnership's pages live under /p/<slug>/: the rest of the request is done in that
    # partnership (its rows, its people's roles, its addresses); anyone else gets 404.
    "partnerships.middleware.PartnershipMiddleware",
    # Everything needs a sign-in unless a view is marked @login_not_required: a forgotten
    # decorator then fails closed, not open. Django's LoginRequiredMiddleware, which also keeps
    # a form posted after the session ran out, to hand back after signing in again.
    "agencies.middleware.LoginRequiredKeepingTypedWork",
    # Tells the audit trail who is making each change made through a page or admin.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A partnership's busiest pages kept until the data changes, and 304 for a browser that has
    # the page already (safer_lewisham/pagecache.py): after every access check above.
    "safer_lewisham.pagecache.PageCacheMiddleware",
    # Turns a locked-out sign-in into the lockout page; django-axes asks for it to come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safer_lewisham.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safer_lewisham.context_processors.service",
            ],
        },
    },
]

# The partnership an installation of the single-partnership days moves into when migrated
# (plans/migrations/0006_partnerships.py); nothing else reads it.
PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Safer Lewisham Partnership")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Action plan tracker")

WSGI_APPLICATION = "safer_lewisham.wsgi.application"

# SQLite in the checkout unless DATABASE_URL says otherwise (PostgreSQL in production and CI).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connections are kept for CONN_MAX_AGE seconds and checked before each request reuses
        # one: after a database outage the broken connection is dropped and the next request
        # connects again, so the service recovers by itself (tests/test_faults.py). While the
        # database is out, pages answer 503 (safer_lewisham.views.server_error).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections bring nothing to SQLite.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: Redis, shared by every server, where REDIS_URL names one (production, several
# servers); otherwise each process's own memory, which is all `make run` needs. Sessions and the
# sign-in lock-out are in the database, so any server reads them either way.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer must not hang a page: give up after a second.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The page cache (safer_lewisham/pagecache.py, docs/performance.md): the pages below, once drawn
# for a person, kept until the data changes (safer_lewisham/changes.py). On by default where
# every process shares the cache (REDIS_URL) or there is only one (DEBUG: `make run`); with
# several processes each keeping its own memory, one would not see another's changes.
PAGE_CACHE = env_bool("PAGE_CACHE", bool(REDIS_URL) or DEBUG)
PAGE_CACHE_ALIAS = "default"
CACHED_PAGES = frozenset(
    {
        "home",
        "plans:detail",
        "actions:detail",
        "actions:mine",
        "indicators:detail",
        "reviews:quarter",
        "reviews:actions",
        "reviews:dashboard",
        "reviews:xlsx",
        "reviews:csv",
    }
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# British English, dates written "31 March 2018"; stored in UTC, shown in London time.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"

# Absolute, so that a partnership's pages (under /p/<slug>/) do not put their prefix before it.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # GOV.UK Frontend's built assets (CSS is compiled from its Sass by `make`, see Makefile),
    # installed by `npm ci` from the version pinned in package-lock.json.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # Hashed, compressed file names so that browsers can cache them for ever.
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files (partnerships' logos, the spreadsheets of plan imports and of progress): never
# served as static files or from the store's own address, but through the app's views, which
# check who may see them (the logo page, partnerships/views.py). By default they are kept in
# MEDIA_ROOT on the server's disk, which suits one server. With STORAGE_BUCKET set they are kept
# in that bucket of an S3-compatible store (AWS S3, MinIO, ...: docs/deployment.md), so that
# any web server can read what another was sent.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGE_BUCKET = os.environ.get("STORAGE_BUCKET", "")
if STORAGE_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            # Blank for AWS itself; the store's address for any other (https://minio:9000).
            "endpoint_url": os.environ.get("STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_REGION") or None,
            # Blank: boto3 finds credentials itself (AWS_ACCESS_KEY_ID, an instance's role).
            "access_key": os.environ.get("STORAGE_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("STORAGE_SECRET_ACCESS_KEY") or None,
            # "path" for a store without a host name per bucket (MinIO, usually); blank: boto3's.
            "addressing_style": os.environ.get("STORAGE_ADDRESSING_STYLE") or None,
            # The files are private: no public ACL, no public custom domain, and any address
            # of a file is signed and short-lived (AWS_DEFAULT_ACL, AWS_S3_CUSTOM_DOMAIN,
            # AWS_QUERYSTRING_AUTH and _EXPIRE in django-storages' terms).
            "default_acl": None,
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # A second file of the same name never replaces the first (AWS_S3_FILE_OVERWRITE).
            "file_overwrite": False,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# E-mail (password reset links). Locally the messages are printed to the console, so nothing is
# sent by accident; production names an SMTP server in the environment.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The site's address as people reach it: e-mails sent by a management command (no request to
# take the host from) build their links on it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The quarterly update round (rounds app, docs/update-round.md). A plan's window for a quarter's
# updates is made with these defaults the first time it is needed; administrators change one
# window's dates in admin. The reminder goes this many days before the window closes, and a
# failed e-mail is tried this many times in all before the round gives up on it (and says so).
UPDATE_WINDOW_OPENS_DAYS_BEFORE_END = int(
    os.environ.get("UPDATE_WINDOW_OPENS_DAYS_BEFORE_END", "14")
)
UPDATE_WINDOW_CLOSES_DAYS_AFTER_END = int(
    os.environ.get("UPDATE_WINDOW_CLOSES_DAYS_AFTER_END", "10")
)
UPDATE_REMINDER_DAYS_BEFORE_CLOSE = int(os.environ.get("UPDATE_REMINDER_DAYS_BEFORE_CLOSE", "3"))
ROUND_EMAIL_MAX_ATTEMPTS = int(os.environ.get("ROUND_EMAIL_MAX_ATTEMPTS", "5"))

# Background jobs (Celery, safer_lewisham/celery.py; docs/background-jobs.md): the update round's
# e-mails and invitations' e-mails. The broker is Redis (or RabbitMQ) named by CELERY_BROKER_URL;
# a worker process (`deploy/entrypoint.sh worker`) runs the jobs and a scheduler
# (`deploy/entrypoint.sh scheduler`) starts the daily ones. With no broker (`make run`, the
# tests), every job runs at once in the process that asks for it, its errors raised there.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
# Each job's outcome (its name, arguments, state, error and traceback) in the database, shown in
# the site's admin; kept there with the jobs run in the process too.
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(days=30)
# A job is taken off the queue only once it has finished, so that a worker stopped or lost
# half-way leaves it to another; each worker process takes one job at a time, so that a long
# job does not hold others back. Every job is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged job to another worker after this long: more than the longest
# time limit below, or a long job would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Plain JSON on the queue: no pickled objects, only ids and dates.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A job is asked to stop after five minutes and stopped after six (the update round, which
# writes to every partnership's officers, has its own, longer limits: rounds/tasks.py).
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = "Europe/London"
CELERY_ENABLE_UTC = True
# The worker logs through LOGGING below (JSON in production), not a handler of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The daily jobs, started by the scheduler (celery beat) in London time. The update round is
# safe to run as often as wanted: each e-mail goes once per person and window.
CELERY_BEAT_SCHEDULE = {
    "send-update-round": {
        "task": "rounds.send_update_round",
        "schedule": crontab(hour=7, minute=0),
    },
    # Large meeting packs prepared in the background are kept a week (docs/background-jobs.md).
    "remove-expired-files": {
        "task": "preparedfiles.remove_expired_files",
        "schedule": crontab(hour=3, minute=30),
    },
}

# A plan of more actions than this has its meeting pack drawn by a background job, the person
# shown its progress and then a link (docs/background-jobs.md); a smaller plan's pack (the demo's)
# is drawn while the page waits, as ReportLab draws about 150 actions a second.
BACKGROUND_DOWNLOAD_ACTIONS = int(os.environ.get("BACKGROUND_DOWNLOAD_ACTIONS", "400"))

# Security. Locally the browser talks plain HTTP to 127.0.0.1, so the HTTPS-only settings follow
# DEBUG; in production all of them are on and `manage.py check --deploy` has nothing to report.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions end after a period of inactivity: saving the session on every request restarts its
# clock, so the age counts from the last request rather than from signing in.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = []
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the council's whole domain to HTTPS for ever: the council decides
        # that (SECURE_HSTS_PRELOAD=true), so its absence is not reported as a warning.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if not SECURE_SSL_REDIRECT:
        # Only ever off by saying so (SECURE_SSL_REDIRECT=false): the proxy in front redirects.
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): the pages load scripts, styles, fonts and images from
# this site only, and no inline script or style is allowed anywhere ('unsafe-inline' is not
# used). The JavaScript is a static module and every style is in the static stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # GOV.UK Frontend's stylesheet draws some icons as data: URIs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that username is refused from that address for AXES_COOLOFF_TIME, with the
# lockout page (HTTP 429). Counting username and address together means nobody can lock
# everyone out, nor another person out from elsewhere, by typing wrong passwords.
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out sign-in is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Refuses a password for people whose organisation's single sign-on does not allow one.
    "sso.backends.PasswordsWhereAllowed",
    # Django's ModelBackend, with permissions from the person's role in the partnership whose
    # page it is (partnerships/backends.py), not from global groups.
    "partnerships.backends.PartnershipRoleBackend",
    # Single sign-on (OpenID Connect): only for the sign-in its callback page completes; it
    # grants no permissions of its own (sso/backends.py).
    "sso.backends.SingleSignOnBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "agencies.lockout.locked_out"
# The address that counts: the connecting one, or behind a proxy the one the proxy saw.
AXES_CLIENT_IP_CALLABLE = "agencies.lockout.client_ip"

# Two-factor authentication (twofactor app, docs/security.md). The name authenticator apps show
# beside the account. A wrong code makes django-otp wait before it checks the next one (1 second,
# doubling with each wrong code), and each wrong code also counts with django-axes above.
OTP_TOTP_ISSUER = SERVICE_NAME

# Single sign-on with OpenID Connect (sso app, docs/single-sign-on.md). Each provider (its
# issuer, client id and secret) is a record in the site's admin, not a setting. How long to wait
# for a provider before showing "not answering"; how long its discovery document is kept; how far
# its clock may be from ours when the ID token's expiry and issue time are checked.
SSO_TIMEOUT_SECONDS = float(os.environ.get("SSO_TIMEOUT_SECONDS", "5"))
SSO_DISCOVERY_CACHE_SECONDS = int(os.environ.get("SSO_DISCOVERY_CACHE_SECONDS", "300"))
SSO_CLOCK_LEEWAY_SECONDS = int(os.environ.get("SSO_CLOCK_LEEWAY_SECONDS", "60"))

# Logs: one line per event on standard error, for the container's or systemd's journal to
# collect. LOG_FORMAT "json" (the default with DEBUG off) makes each line a JSON object (time,
# level, logger, message and the event's own fields) that a log service can search; "text" is
# for reading in a terminal (the default with DEBUG on).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured('LOG_FORMAT must be "json" or "text".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Spreadsheet imports of a plan's actions (imports app): the largest file an administrator may
# upload, in bytes. 5 MB holds thousands of actions; larger files are refused with a message
# rather than read into memory.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
