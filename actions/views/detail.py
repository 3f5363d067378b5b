from django.http import HttpResponse


def action_detail(request, pk=None):
    return HttpResponse(status=501)
