"""The page for an unhandled exception (safer_lewisham.views.server_error): "service
unavailable" (503, try again later) only when the database cannot be reached; any other failure,
a bad value the database refused among them, is "a problem with the service" (500)."""

import pytest
from django.db import (
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)
from django.test import RequestFactory

from safer_lewisham.views import server_error
from tests.pages import text_of

UNAVAILABLE = "Sorry, the service is unavailable"
A_PROBLEM = "Sorry, there is a problem with the service"


def answer_to(error):
    """What server_error answers while handling `error`, as Django calls it."""
    request = RequestFactory().get("/p/lewisham/plans/")
    try:
        raise error
    except Exception:  # noqa: BLE001 (server_error reads the exception being handled)
        return server_error(request)


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), InterfaceError("connection already closed")],
    ids=["OperationalError", "InterfaceError"],
)
def test_a_database_that_cannot_be_reached_is_service_unavailable(error):
    response = answer_to(error)

    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert UNAVAILABLE in text_of(response)


@pytest.mark.parametrize(
    "error",
    [
        DataError("value out of range for type bigint"),
        IntegrityError("duplicate key value"),
        ProgrammingError("syntax error"),
        InternalError("current transaction is aborted"),
        NotSupportedError("not supported"),
        RuntimeError("a bug"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_any_other_failure_is_a_problem_with_the_service(error):
    response = answer_to(error)

    assert response.status_code == 500
    assert "Retry-After" not in response
    text = text_of(response)
    assert A_PROBLEM in text
    assert UNAVAILABLE not in text
