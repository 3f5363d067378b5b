"""`python manage.py turn_off_two_factor USERNAME`: remove a person's authenticator app and
recovery codes, for someone who has lost both. An administrator sets up a new app at their next
sign-in; anyone else signs in with their password alone until they turn it on again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twofactor.devices import has_two_factor, must_use_two_factor, turn_off


class Command(BaseCommand):
    """Turns off one person's two-factor authentication (docs/security.md)."""

    help = "Turn off a person's two-factor authentication: their authenticator app and codes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'There is nobody with the username "{username}".')
        if not has_two_factor(user):
            self.stdout.write(f"{username} has no two-factor authentication: nothing to do.")
            return
        turn_off(user)
        then = (
            "They set up a new authenticator app at their next sign-in."
            if must_use_two_factor(user)
            else "They sign in with their password alone until they turn it on again."
        )
        self.stdout.write(self.style.SUCCESS(f"Two-factor authentication is off for {username}."))
        self.stdout.write(then)
