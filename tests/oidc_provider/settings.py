"""Settings of the test OpenID Connect provider (a separate Django project). Its state
directory (TEST_OIDC_STATE_DIR) holds its configuration, its RSA key and its database."""

import json
import os
from pathlib import Path

STATE_DIR = Path(os.environ["TEST_OIDC_STATE_DIR"])
CONFIG = json.loads((STATE_DIR / "config.json").read_text())

SECRET_KEY = (STATE_DIR / "secret_key").read_text()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tests.oidc_provider.middleware.TamperWithIdTokens",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": STATE_DIR / "provider.sqlite3"}
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/accounts/login/"
# Its own session cookie name: the provider and the site under test both run on 127.0.0.1, and
# cookies do not tell ports apart.
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": (STATE_DIR / "key.pem").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.Validator",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Profile"},
    "PKCE_REQUIRED": True,
    # The site under test listens on a port of its own choosing on 127.0.0.1 or localhost.
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
}

# What it does wrong, by client id (validator.py, middleware.py): "wrong-audience",
# "several-audiences", "wrong-issuer", "wrong-nonce", "expired", "issued-long-ago", "tampered",
# "no-email-verified". Other clients get the protocol done right.
MISBEHAVIOUR = {
    client["client_id"]: client["misbehave"]
    for client in CONFIG["clients"]
    if client.get("misbehave")
}
# The usernames whose e-mail address it has not verified (email_verified: false).
UNVERIFIED = {user["username"] for user in CONFIG["users"] if not user.get("email_verified", True)}
