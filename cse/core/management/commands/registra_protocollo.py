"""Register the queued documents in the protocol (cse/core/protocollo.py); `--loop` keeps running (a worker)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from cse.core.protocollo import protocollo_registra_in_coda

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Protocolla i documenti in coda (domande, provvedimenti, lettere); se il protocollo tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--limite", type=int, default=100)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        outage = 0
        while True:
            try:
                esito = protocollo_registra_in_coda(limite=limite)
            except DatabaseError:
                if not loop:
                    raise
                outage += 1  # a database restart: nothing registered was lost (the key gives the same number again)
                logger.warning("protocollo: database non raggiungibile (tentativo %s), riprovo", outage)
                connections.close_all()
                time.sleep(min(30.0, interval * 2**outage))
                continue
            outage = 0
            if esito.registrate or esito.rinviate or esito.in_errore:
                self.stdout.write(
                    f"protocollate {esito.registrate}, rinviate {esito.rinviate}, non protocollate {esito.in_errore}"
                )
            if not loop:
                return
            time.sleep(0 if esito.registrate == limite else interval)
