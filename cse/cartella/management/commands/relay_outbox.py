"""Deliver outbox events to the regional tier; `--loop` keeps running (production worker)."""

import time

from django.core.management.base import BaseCommand

from cse.cartella.relay import relay_outbox


class Command(BaseCommand):
    help = "Consegna gli eventi dell'outbox al livello regionale (almeno una volta, in ordine per cartella)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, loop: bool, interval: float, batch_size: int, **options):
        while True:
            report = relay_outbox(batch_size=batch_size)
            if report.sent or report.failed:
                self.stdout.write(f"inviati {report.sent}, non riusciti {report.failed}, in attesa {report.waiting}")
            if not loop:
                return
            time.sleep(0 if report.sent == batch_size else interval)
