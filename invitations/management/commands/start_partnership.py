"""``manage.py start_partnership``: a new partnership and the invitation of its first
administrator, in one step, for a site administrator starting a partnership for real."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from partnerships.context import acting_in
from partnerships.models import Partnership, Role

from ...inviting import InvitationRefused, Invitee, invite


class Command(BaseCommand):
    help = (
        "Make a new partnership and invite its first administrator by e-mail: they follow the "
        "link to choose a password (and set up two-factor authentication), then invite the "
        "partnership's other people. Nothing is made if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name", help="The partnership's full name, e.g. “Safer Eastmere Partnership”."
        )
        parser.add_argument(
            "--administrator-email",
            required=True,
            help="The e-mail address of its first administrator: the invitation goes there.",
        )
        parser.add_argument(
            "--administrator-name", required=True, help="The first administrator's full name."
        )
        parser.add_argument(
            "--slug",
            help="Its pages' address, /p/<slug>/ (default: made from the short name or name).",
        )
        parser.add_argument("--short-name", default="", help="e.g. “Safer Eastmere”.")
        parser.add_argument("--area", default="", help="The area it covers.")
        parser.add_argument(
            "--contact-email",
            default="",
            help="Where people write to the partnership: shown on its public pages and given "
            "as the reply address of its e-mails.",
        )

    def handle(
        self,
        *args,
        name,
        administrator_email,
        administrator_name,
        slug=None,
        short_name="",
        area="",
        contact_email="",
        **options,
    ):
        partnership = Partnership(
            name=name.strip(),
            short_name=short_name.strip(),
            slug=slug or slugify(short_name or name)[:60],
            area=area.strip(),
            contact_email=contact_email.strip(),
        )
        try:
            partnership.full_clean()
        except ValidationError as error:
            raise CommandError(_problems(error)) from error
        try:
            with transaction.atomic():
                partnership.save()
                with acting_in(partnership):
                    invitation = invite(
                        partnership,
                        Invitee(
                            name=administrator_name,
                            email=administrator_email,
                            role=Role.ADMINISTRATOR,
                        ),
                        invited_by=None,
                        by_site_administrator=True,
                    )
        except InvitationRefused as refusal:
            raise CommandError(f"Nothing was made: {refusal.message}.") from refusal
        except OSError as error:
            raise CommandError(
                f"Nothing was made: the invitation e-mail could not be sent ({error}). Check "
                "the EMAIL_HOST settings (docs/deployment.md)."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {partnership.name}, at {settings.SITE_URL}{partnership.prefix}, and "
                f"invited {invitation.name} ({invitation.email}) as its administrator. The "
                f"link works once, until {invitation.expires_at:%-d %B %Y %H:%M} UTC."
            )
        )
        if not settings.EMAIL_HOST:
            self.stdout.write(
                self.style.WARNING(
                    "E-mail is not set up (EMAIL_HOST is empty): the invitation was written "
                    "above instead of being sent. Pass its link to the administrator yourself "
                    "(docs/deployment.md says how to set e-mail up)."
                )
            )


def _problems(error: ValidationError) -> str:
    lines = ["Nothing was made:"]
    for field, messages in error.message_dict.items():
        for message in messages:
            lines.append(f"  {'' if field == '__all__' else field + ': '}{message}")
    return "\n".join(lines)
