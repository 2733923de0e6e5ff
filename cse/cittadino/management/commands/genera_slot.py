"""Materialise the bookable slots of every active front office (run daily, e.g. from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from cse.cittadino.agenda import Sportello
from cse.cittadino.slots import slots_generate


class Command(BaseCommand):
    help = "Genera gli slot prenotabili degli sportelli secondo orari, chiusure e aperture straordinarie."

    def handle(self, *args, **options):
        for sportello in Sportello.objects.select_related("ente"):
            result = slots_generate(sportello=sportello)
            counts = f"{result.created} creati, {result.reactivated} riattivati, {result.deactivated} disattivati"
            self.stdout.write(f"{sportello}: {counts}")
