"""Deliver outbox events to the regional tier; `--loop` keeps running (production worker)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from cse.cartella.relay import relay_outbox

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Consegna gli eventi dell'outbox al livello regionale (almeno una volta, in ordine per cartella)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, loop: bool, interval: float, batch_size: int, **options):
        outage = 0
        while True:
            try:
                report = relay_outbox(batch_size=batch_size)
            except DatabaseError:
                if not loop:
                    raise
                # A database restart: nothing was marked sent that was not delivered (at least once), so wait and
                # retry with fresh connections, up to 30 s apart.
                outage += 1
                logger.warning("relay: database non raggiungibile (tentativo %s), riprovo", outage)
                connections.close_all()
                time.sleep(min(30.0, interval * 2**outage))
                continue
            outage = 0
            if report.sent or report.failed:
                self.stdout.write(f"inviati {report.sent}, non riusciti {report.failed}, in attesa {report.waiting}")
            if not loop:
                return
            time.sleep(0 if report.sent == batch_size else interval)
