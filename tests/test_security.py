"""The security configuration, asserted on real responses: the headers and cookies production
sends, the Content Security Policy, password validators, and no inline script or style in any
template of the project (which the policy would refuse).

Production's values come from the settings module itself, imported in a subprocess with a
production environment (DEBUG off); the session cookie, which needs a database to sign in, is
checked in-process with those same values applied.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "csp.example.org",
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Run in a subprocess with the production environment: the sign-in page asked for over HTTPS
# and over plain HTTP, and the settings that matter. The hashed static file names of production
# need `collectstatic`, which tests do not run: only the storage is swapped for the plain one.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from sso.models import SingleSignOnProvider

# The sign-in page asks whether single sign-on is offered: its table, empty, is the only one.
with connection.schema_editor() as editor:
    editor.create_model(SingleSignOnProvider)

plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES={**settings.STORAGES, **plain}):
    client = Client(HTTP_HOST="csp.example.org")
    page = client.get("/sign-in/", secure=True)
    http = client.get("/sign-in/")
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {key: cookie[key] for key in ("secure", "httponly", "samesite", "path")},
    "http_status": http.status_code,
    "http_location": http.get("Location"),
    "settings": {name: getattr(settings, name, None) for name in [
        "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
    ]},
}))
"""


def production(**env):
    """What the production configuration answers (PROBE), with `env` added to PRODUCTION."""
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "BEHIND_TLS_PROXY"}
    clean = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("SECURE_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed script
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION,
            **env,
            "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
            # Signing in is not probed: no table is read but the (empty) single sign-on
            # providers', made by PROBE.
            "DATABASE_URL": "sqlite:///:memory:",
            "LOG_LEVEL": "ERROR",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prod():
    return production()


def test_the_sign_in_page_is_served_in_production(prod):
    assert prod["status"] == 200
    assert prod["settings"]["DEBUG"] is False


def test_hsts_for_a_year_with_subdomains_and_without_preload(prod):
    assert prod["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_preload_and_age_come_from_the_environment():
    prod = production(SECURE_HSTS_SECONDS="600", SECURE_HSTS_PRELOAD="true")

    assert prod["headers"]["Strict-Transport-Security"] == (
        "max-age=600; includeSubDomains; preload"
    )


def test_plain_http_is_redirected_to_https(prod):
    assert prod["http_status"] == 301
    assert prod["http_location"] == "https://csp.example.org/sign-in/"


def test_the_https_redirect_can_be_left_to_a_proxy():
    prod = production(SECURE_SSL_REDIRECT="false")

    assert prod["http_status"] == 200
    assert prod["settings"]["SECURE_SSL_REDIRECT"] is False


def test_the_proxy_header_is_trusted_only_when_the_environment_says_so(prod):
    assert prod["settings"]["SECURE_PROXY_SSL_HEADER"] is None

    behind = production(BEHIND_TLS_PROXY="true")
    assert behind["settings"]["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_framing_is_denied(prod):
    assert prod["headers"]["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in prod["headers"]["Content-Security-Policy"]


def test_content_types_are_not_sniffed(prod):
    assert prod["headers"]["X-Content-Type-Options"] == "nosniff"


def test_the_referrer_stays_on_the_site(prod):
    assert prod["headers"]["Referrer-Policy"] == "same-origin"


def test_the_opener_is_isolated(prod):
    assert prod["headers"]["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_content_security_policy_in_production(prod):
    policy = prod["headers"]["Content-Security-Policy"]

    assert sorted(policy.split("; ")) == sorted(POLICY.split("; "))
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_csrf_cookie_is_secure_and_same_site(prod):
    cookie = prod["csrf_cookie"]

    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_cookie_settings_in_production(prod):
    s = prod["settings"]

    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_COOKIE_SECURE"] is True


@pytest.mark.django_db
def test_the_session_cookie_of_a_sign_in_is_secure_httponly_and_same_site():
    """Signing in over HTTPS with production's cookie settings (asserted above): the session
    cookie the browser gets."""
    UserFactory(username="officer")
    with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True):
        client = Client()
        response = client.post(
            "/sign-in/", {"username": "officer", "password": "correct-horse-battery"}, secure=True
        )

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_IDLE_MINUTES * 60


@pytest.mark.django_db
def test_every_page_has_the_policy_locally_too(client):
    """The same policy with DEBUG on, so that a page that needs an inline script fails on a
    laptop and in the browser tests, not first in production."""
    response = client.get("/sign-in/")

    assert sorted(response["Content-Security-Policy"].split("; ")) == sorted(POLICY.split("; "))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_admin_pages_have_the_policy(admin_client):
    response = admin_client.get("/p/lewisham/admin/")

    assert response.status_code == 200
    assert sorted(response["Content-Security-Policy"].split("; ")) == sorted(POLICY.split("; "))


# Password validators, at the password reset.


def choose_new_password(client, user, password, mailoutbox):
    client.post("/sign-in/reset/", {"email": user.email})
    link = re.search(r"http://testserver(/sign-in/reset/\S+/\S+/)", mailoutbox[-1].body).group(1)
    return client.post(client.get(link).url, {"new_password1": password, "new_password2": password})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short-pass", "New password must be 12 characters or more"),
        ("qwertyuiop123", "New password is too common: choose one that is harder to guess"),
        ("304958672019384", "New password must include letters or symbols, not only numbers"),
        (
            "forgetful-person",
            "New password must not be like your name, username or email address",
        ),
    ],
)
def test_a_weak_new_password_is_refused(client, mailoutbox, password, error):
    user = UserFactory(username="forgetful-person", email="forgetful@example.org")

    response = choose_new_password(client, user, password, mailoutbox)

    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


# No inline script or style in any template of the project: the policy refuses them.

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
INLINE = {
    "inline <script> (move it to a static .mjs file)": re.compile(
        r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I
    ),
    "<style> element (move it to static/scss)": re.compile(r"<style\b", re.I),
    "style attribute (use a class)": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute (use addEventListener)": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def project_templates():
    """Every HTML template of the project that makes a page. HTML e-mails (in an `email`
    folder) are left out: no Content Security Policy applies to them, and e-mail programs
    need inline styles."""
    for directory in TEMPLATE_DIRS:
        if ".venv" in directory.parts or "node_modules" in directory.parts:
            continue
        yield from sorted(
            path
            for path in directory.rglob("*.html")
            if not {"email", "emails"} & set(path.relative_to(directory).parts[:-1])
        )


def test_the_template_scan_finds_templates():
    names = {path.name for path in project_templates()}

    assert {"base.html", "locked_out.html", "object_history_list.html"} <= names


def test_no_template_has_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in project_templates()
        for text in [path.read_text(encoding="utf-8")]
        for what, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]

    assert found == []


def test_the_inline_scan_recognises_each_kind():
    samples = [
        "<script>alert(1)</script>",
        "<style>p {}</style>",
        '<p style="color: red">',
        '<a onclick="go()">',
        '<a href="javascript:go()">',
    ]

    for sample, pattern in zip(samples, INLINE.values(), strict=True):
        assert pattern.search(sample), sample
    assert not any(
        p.search('<script type="module" src="/a.mjs"></script>') for p in INLINE.values()
    )
