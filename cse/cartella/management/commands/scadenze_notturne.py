"""The nightly deadlines job: open the time-driven deadlines still missing, then send the day's digests.
Idempotent and resumable: run it twice, or again after a crash, and nothing is opened or sent twice."""

from django.core.management.base import BaseCommand

from cse.cartella.actions.scadenze import nightly_reviews
from cse.cartella.digest import send_digests


class Command(BaseCommand):
    help = "Genera le scadenze che dipendono dal tempo e invia il riepilogo giornaliero agli operatori."

    def add_arguments(self, parser):
        parser.add_argument("--senza-email", action="store_true", help="solo le scadenze, nessun riepilogo")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, senza_email: bool, batch_size: int, **options):
        opened = nightly_reviews(batch=batch_size)
        self.stdout.write(f"revisioni di progetto aperte: {opened}")
        if not senza_email:
            report = send_digests()
            self.stdout.write(
                f"riepiloghi inviati {report.inviati}, già inviati {report.gia_inviati}, senza scadenze {report.vuoti}"
            )
