"""Starting the test OpenID Connect provider in its own process for a test session, and what
the tests need to know of it: its issuer, its users and its clients."""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "/sign-in/organisation/callback/"
SIGNED_OUT = "/sign-in/"
# The site under test as the test client (testserver) and the live server (127.0.0.1 or
# localhost, any port: loopback redirect addresses may change port, RFC 8252) reach it.
SITES = ["http://testserver", "http://127.0.0.1", "http://localhost"]
PASSWORD = "provider-password-for-tests"

# Its people: the e-mail addresses the site's people are matched by.
USERS = {
    "officer": {"email": "Officer@Lewisham.gov.uk"},
    "unverified": {"email": "unconfirmed@lewisham.gov.uk", "email_verified": False},
    "stranger": {"email": "stranger@lewisham.gov.uk"},
    "police": {"email": "constable@met.police.uk"},
    # An officer of the partnership started in tests/browser/test_first_hour.py.
    "asha": {"email": "asha.officer@northbrook.example.gov.uk"},
}
# Its clients: one that gets everything right, and one for each way of getting it wrong.
CLIENTS = {
    "safer-lewisham": None,
    "wrong-audience": "wrong-audience",
    "several-audiences": "several-audiences",
    "wrong-issuer": "wrong-issuer",
    "wrong-nonce": "wrong-nonce",
    "expired": "expired",
    "issued-long-ago": "issued-long-ago",
    "tampered": "tampered",
    "no-email-verified": "no-email-verified",
}


def secret_of(client_id: str) -> str:
    return f"secret-of-{client_id}"


@dataclass
class RunningProvider:
    base_url: str
    process: subprocess.Popen

    @property
    def issuer(self) -> str:
        return self.base_url + "/o"


def configuration():
    return {
        "users": [
            {"username": name, "password": PASSWORD, **person} for name, person in USERS.items()
        ],
        "clients": [
            {
                "client_id": client_id,
                "client_secret": secret_of(client_id),
                "misbehave": fault,
                "redirect_uris": [site + CALLBACK for site in SITES],
                "post_logout_redirect_uris": [site + SIGNED_OUT for site in SITES],
            }
            for client_id, fault in CLIENTS.items()
        ],
    }


def start(state_dir: Path) -> RunningProvider:
    (state_dir / "config.json").write_text(json.dumps(configuration()))
    log = open(state_dir / "provider.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
        [sys.executable, "-m", "tests.oidc_provider", str(state_dir)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    port_file = state_dir / "port"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                "The test OpenID Connect provider stopped: "
                + (state_dir / "provider.log").read_text()
            )
        if port_file.exists() and port_file.read_text():
            provider = RunningProvider(f"http://127.0.0.1:{port_file.read_text()}", process)
            try:
                answer = requests.get(
                    provider.issuer + "/.well-known/openid-configuration", timeout=2
                )
                if answer.ok:
                    return provider
            except requests.ConnectionError:
                pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("The test OpenID Connect provider did not answer within 60 seconds")


def stop(provider: RunningProvider):
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()


@pytest.fixture(scope="session")
def oidc_provider():
    """The test provider, running for the whole session in its own process."""
    with tempfile.TemporaryDirectory(prefix="test-oidc-provider-") as state_dir:
        provider = start(Path(state_dir))
        try:
            yield provider
        finally:
            stop(provider)
