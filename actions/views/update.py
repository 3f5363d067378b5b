from django.http import HttpResponse


def record_progress(request, pk=None):
    return HttpResponse(status=501)
