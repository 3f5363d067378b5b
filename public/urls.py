"""PLACEHOLDER: being written (issue 5). Included at public/."""

app_name = "public"

urlpatterns = []
