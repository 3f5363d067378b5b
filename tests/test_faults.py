"""Faults: the database out → a friendly 503 page (no trace, nothing half-saved) and the app
recovers by itself; a crash between the version check and the write of an update loses neither
officer's text.

The first tests make the database fail from inside Django (every statement, or those on one
table, raise OperationalError as psycopg's would), so they run on any database. The last one is
a real outage on PostgreSQL: the app served by gunicorn through a TCP proxy in front of the
server, cut and restored mid-run (tests/outage.py)."""

import re
import socket
import threading
from contextlib import contextmanager, suppress
from html import unescape
from unittest import mock

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection
from django.test import Client

from actions import progress
from actions.models import Action, ProgressUpdate
from agencies.roles import OFFICERS
from tests.conftest import PREFIX, in_role
from tests.factories import ProfileFactory, ProgressUpdateFactory, UserFactory, completion_status
from tests.pages import text_of
from tests.serving import collected_static, database_url, needs_postgresql  # noqa: F401

UNAVAILABLE = "Sorry, the service is unavailable"
NOT_SAVED = "your update has not been saved: try again in a few minutes"
# Signs that a trace or debugging detail reached the page.
LEAKS = ("Traceback", "OperationalError", "psycopg", 'File "', "SELECT ", "server closed")

# Statements that end or undo a transaction must still go through, as a real connection's
# would: only the work itself fails.
TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK)", re.I)


@contextmanager
def database_fails(on=None):
    """Every statement on this connection (or only those mentioning the table ``on``) raises
    OperationalError, as when the server has gone."""

    def fail(execute, sql, params, many, context):
        if TRANSACTION_CONTROL.match(sql) or (on is not None and on not in sql):
            return execute(sql, params, many, context)
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(fail):
        yield


def browser(user=None):
    """A test client that answers as the server would rather than re-raising the exception."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert response["Content-Type"].startswith("text/html")
    text = text_of(response)
    assert UNAVAILABLE in text
    assert NOT_SAVED in text
    for leak in LEAKS:
        assert leak not in response.content.decode(), leak


def form_url(action, quarter=4):
    return f"/p/lewisham/actions/{action.pk}/update/?quarter={quarter}"


def hidden(response, name):
    match = re.search(
        rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', response.content.decode()
    )
    return match.group(1) or ""


def textarea(response):
    match = re.search(
        r'<textarea name="narrative"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S
    )
    return unescape(match.group(1))


def typed_into(page, narrative):
    """The form as ``page`` (a test client's or a requests response) showed it, with this
    narrative typed in."""
    return {
        "quarter": hidden(page, "quarter"),
        "rag_rating": "green",
        "narrative": narrative,
        "completion_status": completion_status("in-progress").pk,
        "completion_note": "",
        "action_version": hidden(page, "action_version"),
        "update_version": hidden(page, "update_version"),
    }


def submit(client, action, page, narrative):
    return client.post(f"/p/lewisham/actions/{action.pk}/update/", typed_into(page, narrative))


def querying_context_processor(request):
    """A context processor that reads the database, as one may."""
    return {"content_types": ContentType.objects.filter(app_label="actions").exists()}


# The database out: wherever it is first needed ---------------------------------------------------


@pytest.mark.django_db
def test_database_out_when_the_middleware_reads_the_session(officer):
    client = browser(officer)
    with database_fails():
        response = client.get("/p/lewisham/actions/mine/")

    assert_unavailable_page(response)


@pytest.mark.django_db
def test_database_out_when_the_middleware_reads_the_signed_in_user(officer):
    client = browser(officer)
    with database_fails(on="auth_user"):
        response = client.get("/p/lewisham/actions/mine/")

    assert_unavailable_page(response)


@pytest.mark.django_db
def test_database_out_in_a_view(officer, led_action):
    client = browser(officer)
    with database_fails(on="actions_action"):
        response = client.get(f"/p/lewisham/actions/{led_action.pk}/")

    assert_unavailable_page(response)


@pytest.mark.django_db
def test_database_out_in_a_context_processor(settings):
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *processors,
                    "tests.test_faults.querying_context_processor",
                ],
            },
        }
    ]
    # The sign-in page, to someone not signed in, reads nothing else from the database.
    assert browser().get("/sign-in/").status_code == 200

    with database_fails():
        response = browser().get("/sign-in/")

    assert_unavailable_page(response)


@pytest.mark.django_db
def test_database_out_while_saving_an_update_saves_nothing(officer, led_action):
    ProgressUpdateFactory(action=led_action, quarter=4, narrative="Saved before.")
    client = browser(officer)
    page = client.get(form_url(led_action))
    before = Action.objects.get(pk=led_action.pk)
    data = typed_into(page, "Typed during the outage.")

    with database_fails():
        response = client.post(f"/p/lewisham/actions/{led_action.pk}/update/", data)

    assert_unavailable_page(response)
    # What the officer typed is handed back, to copy.
    assert "Typed during the outage." in text_of(response)
    assert ProgressUpdate.objects.get().narrative == "Saved before."
    after = Action.objects.get(pk=led_action.pk)
    assert (after.version, after.completion_status_id) == (
        before.version,
        before.completion_status_id,
    )


@pytest.mark.django_db
def test_the_unavailable_page_is_not_shown_for_other_errors(officer, led_action):
    """A bug is a 500 ("a problem with the service"), not "unavailable": the 503 is only for
    a database that cannot be reached. The typed text is handed back there too."""
    client = browser(officer)
    page = client.get(form_url(led_action))
    with mock.patch.object(progress, "_write_update", side_effect=RuntimeError("a bug")):
        response = submit(client, led_action, page, "My account of the quarter.")

    assert response.status_code == 500
    assert "Retry-After" not in response
    text = text_of(response)
    assert "Sorry, there is a problem with the service" in text
    assert "My account of the quarter." in text
    assert "a bug" not in text
    assert not ProgressUpdate.objects.exists()


# A crash between the version check and the write --------------------------------------------------


@pytest.fixture
def colleague(officer):
    """A second officer of the same agency."""
    user = in_role(UserFactory(username="colleague", first_name="Ada", last_name="Cole"), OFFICERS)
    ProfileFactory(user=user, agency=officer.profile.agency)
    return user


def crash_after_the_update_is_written(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


CRASH_POINTS = {
    # Straight after claim() has checked (and locked) the action's version.
    "after the check": "actions.progress.lock_open_quarter",
    # Checked, about to write the quarter's update.
    "before the write": "actions.progress._write_update",
    # The update written, the action's completion not yet: the write must be undone too.
    "half-way through the write": "actions.models.Action.save",
}


@pytest.mark.django_db
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_between_the_check_and_the_write_loses_neither_text(
    officer, colleague, led_action, point
):
    # The colleague saved first; the officer's form shows what they saved.
    theirs = browser(colleague)
    saved = submit(theirs, led_action, theirs.get(form_url(led_action)), "The colleague's text.")
    assert saved.status_code == 302
    mine = browser(officer)
    page = mine.get(form_url(led_action))
    before = Action.objects.get(pk=led_action.pk)

    with mock.patch(CRASH_POINTS[point], side_effect=crash_after_the_update_is_written):
        response = submit(mine, led_action, page, "The officer's text.")

    # Nothing of the officer's update was saved; the colleague's text is intact.
    update = ProgressUpdate.objects.get()
    assert update.narrative == "The colleague's text."
    assert update.author == colleague
    after = Action.objects.get(pk=led_action.pk)
    assert (after.version, after.completion_status_id) == (
        before.version,
        before.completion_status_id,
    )
    # The officer is told, and has their form back with their text in it, to save again.
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "There is a problem Your update has not been saved" in text_of(response)
    assert textarea(response) == "The officer's text."
    for leak in LEAKS:
        assert leak not in response.content.decode(), leak

    # Saving again once the database is back goes through, over the colleague's text they saw.
    again = submit(mine, led_action, response, "The officer's text.")
    assert again.status_code == 302
    assert ProgressUpdate.objects.get().narrative == "The officer's text."


# A real outage, on PostgreSQL --------------------------------------------------------------------


class CuttableProxy:
    """A TCP proxy on loopback in front of the PostgreSQL server: ``cut()`` closes every
    connection through it and stops listening, as when the server goes; ``restore()`` listens
    again on the same port."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = None
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.sockets = self.sockets, set()
        for each in [listener, *sockets]:
            if each is None:
                continue
            with suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:
                    client.close()
                    server.close()
                    return
                self.sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, target):
                with suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_database_out_mid_run_then_back(
    officer,
    led_action,
    collected_static,  # noqa: F811
    tmp_path,
):
    """The app under gunicorn with production settings (persistent connections, checked before
    reuse), its database behind a proxy that is cut and restored: the outage answers the 503
    page and saves nothing; once the database is back, the same server answers again without
    being restarted."""
    from benchmarks.harness import server_environment
    from benchmarks.load_test import gunicorn, loopback_cookies, password_hash

    officer.password = password_hash("outage-test-password")
    officer.save()
    config = connection.settings_dict
    proxy = CuttableProxy((config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432)))
    proxy.restore()
    env = server_environment(database_url(port=proxy.port), collected_static)
    session = requests.Session()
    session.cookies = loopback_cookies()
    try:
        # One worker: the same process, and its persistent connection, all the way through.
        with gunicorn(env, workers=1, log=tmp_path / "gunicorn.log") as base:
            form = session.get(f"{base}/sign-in/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
            signed_in = session.post(
                f"{base}/sign-in/",
                {
                    "username": "officer",
                    "password": "outage-test-password",
                    "csrfmiddlewaretoken": token,
                },
                allow_redirects=False,
            )
            assert signed_in.status_code == 302
            page = session.get(f"{base}{PREFIX}/actions/{led_action.pk}/update/?quarter=4")
            assert page.status_code == 200
            data = typed_into(page, "Typed while the database was out.")
            data["csrfmiddlewaretoken"] = session.cookies["csrftoken"]

            proxy.cut()
            during = session.get(f"{base}{PREFIX}/actions/mine/")
            saving = session.post(
                f"{base}{PREFIX}/actions/{led_action.pk}/update/", data, allow_redirects=False
            )

            proxy.restore()
            after = session.get(f"{base}{PREFIX}/actions/mine/")
            saved = session.post(
                f"{base}{PREFIX}/actions/{led_action.pk}/update/", data, allow_redirects=False
            )
        log = (tmp_path / "gunicorn.log").read_text()
    finally:
        proxy.cut()
        session.close()

    for response in (during, saving):
        assert response.status_code == 503, log[-3000:]
        assert response.headers["Retry-After"] == "120"
        assert UNAVAILABLE in response.text
        for leak in LEAKS:
            assert leak not in response.text, leak
    assert "Typed while the database was out." in unescape(saving.text)
    # The database came back: the same server, not restarted, answers again, and the officer's
    # update (not saved during the outage) is saved now, once.
    assert after.status_code == 200, log[-3000:]
    assert saved.status_code == 302
    assert list(ProgressUpdate.objects.values_list("narrative", flat=True)) == [
        "Typed while the database was out."
    ]
