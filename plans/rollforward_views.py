"""PLACEHOLDER: being written (issue 5)."""

from django.http import Http404


def roll_forward(request, slug):
    raise Http404("Not written yet.")
