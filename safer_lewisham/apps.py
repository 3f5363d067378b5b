from django.contrib.admin.apps import AdminConfig


class PlanAdminConfig(AdminConfig):
    """Django admin, with the site that is each partnership's Plan administration."""

    default_site = "partnerships.admin_site.PartnershipAdminSite"
