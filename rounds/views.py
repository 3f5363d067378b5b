"""My updates: what the update round asks of the signed-in person now, then the actions they or
their agency lead. The page is the round's: it joins the round's windows with the actions and
indicators, so it stands above both."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.views.mine import my_actions_section

from .due import rounds_for


@require_safe
@permission_required("actions.view_action", raise_exception=True)
def my_updates(request):
    """For each update window open today, the actions and indicators the person still has to
    update, with the window's deadline, and those they have updated for its quarter (a fixed
    number of queries: rounds.due.rounds_for); then the actions they or their agency lead, with
    what each needs (actions.views.mine)."""
    today = timezone.localdate()
    context = {
        **my_actions_section(request, today),
        "rounds": rounds_for(request.user, today),
    }
    return render(request, "rounds/my_updates.html", context)
