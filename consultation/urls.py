"""PLACEHOLDER: being written (issue 5). Included at plans/<slug>/comments/."""

app_name = "consultation"

urlpatterns = []
