"""PLACEHOLDER: being written (issue 5)."""

from django.http import Http404


def publish(request, slug):
    raise Http404("Not written yet.")
