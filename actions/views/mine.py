from django.http import HttpResponse


def my_actions(request, pk=None):
    return HttpResponse(status=501)
