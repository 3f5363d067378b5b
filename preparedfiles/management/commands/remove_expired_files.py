"""python manage.py remove_expired_files"""

from django.core.management.base import BaseCommand

from partnerships.context import everywhere
from preparedfiles.models import PreparedFile


class Command(BaseCommand):
    help = (
        "Remove the files prepared by background jobs (large meeting packs) that are past their "
        "week, from the storage and the database, in every partnership. Asking for a file removes "
        "its partnership's expired ones too, and the scheduler removes every partnership's "
        "each night (preparedfiles.remove_expired_files); this does the same by hand."
    )

    def handle(self, *args, **options):
        with everywhere():
            removed = PreparedFile.objects.remove_expired()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Removed {removed} expired prepared file(s).")
