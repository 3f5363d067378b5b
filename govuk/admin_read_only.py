"""Admin for a record of what happened (an import, an e-mail sent): shown, never edited."""


class ReadOnlyAdminMixin:
    """For a ModelAdmin whose rows are a record kept as it was made: nobody adds, changes or
    deletes one in admin, so staff with the view permission see each row's fields read only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
