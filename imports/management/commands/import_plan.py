"""`manage.py import_plan FILE --partnership SLUG --plan SLUG`: import a plan's actions from a
spreadsheet."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from imports.applying import import_file
from imports.models import ImportLayout, PlanImport
from imports.planning import Preview
from imports.reading import UnreadableFile, max_bytes, read_file, size_label
from partnerships.context import acting_in
from partnerships.models import Partnership
from plans.models import AnnualPlan


class Command(BaseCommand):
    help = (
        "Import a plan's actions from an .xlsx or .csv file (see docs/importing.md). Prints the "
        "preview; with no problems, imports everything in one transaction (unless --dry-run). "
        "With problems, writes nothing and exits with an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--partnership",
            help="The address (slug) of the plan's partnership; may be left out where the "
            "installation has only one.",
        )
        parser.add_argument("--plan", required=True, help="The slug of the plan to import into.")
        parser.add_argument(
            "--add-structure",
            action="store_true",
            help="Create the priorities, strands and themes the file names that the plan does "
            "not have (always on for a plan with no priorities yet).",
        )
        parser.add_argument(
            "--sheet", help="The sheet to read (default: “Actions”, else the likeliest)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the preview and write nothing."
        )

    def handle(self, *args, **options):
        partnership = self.partnership(options["partnership"])
        # Everything below is the partnership's work: its plans, agencies and people only.
        with acting_in(partnership):
            self.import_into(partnership, options)

    def partnership(self, slug) -> Partnership:
        partnerships = Partnership.objects.filter(is_active=True)
        if slug:
            found = partnerships.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"There is no partnership with the address “{slug}”.")
            return found
        only = list(partnerships[:2])
        if len(only) != 1:
            raise CommandError(
                "Say which partnership the plan is of: --partnership SLUG (one of "
                f"{', '.join(partnerships.values_list('slug', flat=True)) or 'none yet'})."
            )
        return only[0]

    def import_into(self, partnership, options):
        path = Path(options["file"])
        plan = AnnualPlan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(
                f"There is no plan with the slug “{options['plan']}” in {partnership.name}."
            )
        try:
            if path.stat().st_size > max_bytes():
                raise CommandError(
                    f"{path} is {size_label(path.stat().st_size)}: the largest file that can be "
                    f"imported is {size_label(max_bytes())}."
                )
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
        add_structure = options["add_structure"] or not plan.priorities.exists()
        # The import and its record are written together, or neither is.
        with transaction.atomic():
            try:
                # Read as the partnership read this layout before, if it has.
                sheet = read_file(path.name, content, sheet_name=options["sheet"])
                layout = ImportLayout.objects.filter(fingerprint=sheet.fingerprint).first()
                reading = {"sheet_name": sheet.sheet_name}
                if layout is not None:
                    reading |= {
                        "mapping": layout.mapping,
                        "mapping_source": "remembered",
                        "options": layout.options,
                    }
                    sheet = read_file(
                        path.name,
                        content,
                        sheet_name=sheet.sheet_name,
                        mapping=layout.mapping,
                        how="remembered",
                    )
                self.show_columns(sheet)
                outcome = import_file(
                    plan,
                    path.name,
                    content,
                    add_structure=add_structure,
                    dry_run=options["dry_run"],
                    **reading,
                )
            except UnreadableFile as error:
                raise CommandError(f"{path.name}: {error}") from None
            self.show(outcome.preview)
            if outcome.preview.problems:
                raise CommandError(
                    f"Nothing was imported: {len(outcome.preview.problems)} problem(s) to fix "
                    "in the spreadsheet first."
                )
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was written.")
                return
            PlanImport.objects.create(
                plan=plan,
                filename=path.name[:255],
                file=ContentFile(content, name=path.name),
                add_structure=add_structure,
                status=PlanImport.Status.IMPORTED,
                imported_at=timezone.now(),
                summary=outcome.summary,
            )
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} into “{plan}”."))

    def show_columns(self, sheet):
        where = f"sheet “{sheet.sheet_name}”, " if sheet.sheet_name else ""
        self.stdout.write(f"Read from the {where}headings on row {sheet.header_row}:")
        for column in sheet.columns:
            how = f" ({column.how})" if column.how else ""
            self.stdout.write(f"  {column.letter}: {column.label} -> {column.field_label}{how}")

    def show(self, preview: Preview):
        write = self.stdout.write
        counts = preview.counts()
        write(f"Import of {preview.filename} into “{preview.plan}”:")
        for name, count in counts.items():
            write(f"  {name.replace('_', ' ')}: {count}")
        if preview.ignored_headings:
            write("Columns not imported: " + ", ".join(preview.ignored_headings))
        for priority in preview.new_priorities:
            write(f"New priority: {priority.title}")
        for strand in preview.new_strands:
            write(f"New strand: {strand.title} (priority: {strand.priority})")
        for theme in preview.new_themes:
            write(f"New theme: {theme.name}")
        for action in preview.changed:
            write(f"Row {action.row}, changed: {action.existing}")
            for change in action.changes:
                old, new = (value.replace("\n", " / ") for value in (change.old, change.new))
                write(f"    {change.label}: {old} -> {new}")
        for note in preview.warnings:
            write(f"Warning: {note}")
        for note in preview.problems:
            self.stderr.write(f"Problem: {note}")
