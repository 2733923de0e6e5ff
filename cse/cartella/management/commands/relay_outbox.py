"""Deliver outbox events to the regional tier; `--loop` keeps running (production worker)."""

from django.core.management.base import BaseCommand

from cse.cartella.relay import relay_outbox
from cse.core.worker import Round, run_rounds


class Command(BaseCommand):
    help = "Consegna gli eventi dell'outbox al livello regionale (almeno una volta, in ordine per cartella)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, loop: bool, interval: float, batch_size: int, **options):
        # A database restart loses nothing: no event is marked sent that was not delivered (at least once).
        def one_round() -> Round:
            report = relay_outbox(batch_size=batch_size)
            line = ""
            if report.sent or report.failed:
                line = f"inviati {report.sent}, non riusciti {report.failed}, in attesa {report.waiting}"
            return Round(line, full=report.sent == batch_size)

        run_rounds(one_round, name="relay", loop=loop, interval=interval, write=self.stdout.write)
