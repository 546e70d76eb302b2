"""Make an API key for an organization (or the state's feed) and print it once: the portal keeps only its hash."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from api.keys import create_key
from api.models import Scope
from core.models import Party
from parties.models import ORGANIZATION_KINDS


class Command(BaseCommand):
    help = "Make an API key for an organization (or the state's feed) and print it once."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--organization", help="The organization's name (as the portal keeps it).")
        target.add_argument("--state-feed", action="store_true", help="A key of the state's feed (applications only).")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help=f"One or more of: {', '.join(Scope.values)} (space or comma separated).",
        )
        parser.add_argument("--name", default="", help="What uses the key (default: 'Made on the command line').")
        parser.add_argument("--expires", default="", help="Last day the key works, YYYY-MM-DD (default: never).")

    def handle(self, *args, **options):
        organization = None
        if options["organization"]:
            name = options["organization"].strip()
            found = list(Party.objects.filter(name__iexact=name, kind__in=ORGANIZATION_KINDS))
            if not found:
                raise CommandError(
                    f"No organization named {name!r} (a claims administrator, law firm, provider group or physician)."
                )
            if len(found) > 1:
                kinds = ", ".join(party.get_kind_display() for party in found)
                raise CommandError(f"{len(found)} parties are named {name!r} ({kinds}); the portal cannot tell which.")
            organization = found[0]
        scopes = [scope for value in options["scopes"] for scope in value.replace(",", " ").split()]
        expires_at = None
        if options["expires"]:
            day = parse_date(options["expires"])
            if day is None:
                raise CommandError(f"--expires {options['expires']!r} is not a date written YYYY-MM-DD.")
            expires_at = timezone.make_aware(datetime.combine(day, time.max), timezone.get_current_timezone())
        try:
            api_key, key = create_key(
                organization, name=options["name"] or "Made on the command line", scopes=scopes, expires_at=expires_at
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Key {api_key.prefix}… for {organization or 'the state feed'} ({', '.join(api_key.scopes)}). "
            "It is shown this once: the portal keeps only its hash."
        )
        self.stdout.write(key)
