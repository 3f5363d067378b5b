"""``python -m tests.oidc_provider STATE_DIR``: start the test provider on a free loopback port.

STATE_DIR holds ``config.json`` (its users and clients: running.py writes it). At start-up the
provider makes its RSA signing key and secret key there, migrates its own SQLite database,
makes the users and clients, then serves on 127.0.0.1, writing its port to ``STATE_DIR/port``.
"""

import json
import os
import secrets
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        if os.environ.get("TEST_OIDC_VERBOSE"):
            super().log_message(format, *args)


def make_keys(state_dir: Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (state_dir / "key.pem").write_bytes(pem)
    (state_dir / "secret_key").write_text(secrets.token_urlsafe(40))


def set_up(config):
    """Its users and clients (applications), from the configuration."""
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    for person in config["users"]:
        user = get_user_model().objects.create_user(
            person["username"], email=person["email"], password=person["password"]
        )
        user.save()
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            post_logout_redirect_uris=" ".join(client["post_logout_redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main(state_dir: str):
    state = Path(state_dir)
    make_keys(state)
    os.environ["TEST_OIDC_STATE_DIR"] = str(state)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    set_up(json.loads((state / "config.json").read_text()))
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), ThreadingServer, handler_class=QuietHandler
    )
    (state / "port").write_text(str(server.server_port))
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
