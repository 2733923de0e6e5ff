"""The pagoPA worker of the compartecipazione: delivers the queued notices (an outage leaves them queued, retried with
the same key: never two IUVs for one charge) and reconciles the receipts of every ente with open notices. `--loop`
keeps running (scripts/production.py starts it); without it, one round (for cron)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from cse.compartecipazione.actions import avvisi_invia_in_coda, riconcilia_aperti

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Emette su pagoPA gli avvisi in coda e riconcilia le ricevute; se pagoPA tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument("--limite", type=int, default=100)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        outage = 0
        while True:
            try:
                self._round(limite)
            except DatabaseError:
                if not loop:
                    raise
                outage += 1  # a database restart: the queue is intact, the keys make the retry safe
                logger.warning("pagoPA: database non raggiungibile (tentativo %s), riprovo", outage)
                connections.close_all()
                time.sleep(min(60.0, interval * 2**outage))
                continue
            outage = 0
            if not loop:
                return
            time.sleep(interval)

    def _round(self, limite: int) -> None:
        invio = avvisi_invia_in_coda(limite=limite)
        if invio.emessi or invio.rinviati or invio.in_errore:
            self.stdout.write(f"avvisi emessi {invio.emessi}, rinviati {invio.rinviati}, rifiutati {invio.in_errore}")
        for ente, esito in riconcilia_aperti():
            if esito is None:
                self.stdout.write(f"{ente.codice}: pagoPA non disponibile, ricevute al prossimo giro")
            elif esito.pagati or esito.importo_diverso or esito.sconosciute or esito.ripetute:
                self.stdout.write(
                    f"{ente.codice}: pagati {esito.pagati}, importo diverso {esito.importo_diverso}, "
                    f"ripetute {esito.ripetute}, sconosciute {esito.sconosciute}"
                )
