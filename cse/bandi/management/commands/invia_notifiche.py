"""Send the queued notifications of the approved provvedimenti (cse/bandi/notifiche/actions.py); `--loop` keeps
running (a worker of the production topology)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from cse.bandi.notifiche.actions import notifiche_invia_in_coda

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Invia le notifiche dei provvedimenti (app IO, e-mail, lettere); se un canale tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--limite", type=int, default=200)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        outage = 0
        while True:
            try:
                esito = notifiche_invia_in_coda(limite=limite)
            except DatabaseError:
                if not loop:
                    raise
                outage += 1  # a database restart: the rows wait, the keys keep a retry from sending twice
                logger.warning("notifiche: database non raggiungibile (tentativo %s), riprovo", outage)
                connections.close_all()
                time.sleep(min(30.0, interval * 2**outage))
                continue
            outage = 0
            done = esito.inviate + esito.da_stampare
            if done or esito.rinviate or esito.in_errore:
                self.stdout.write(
                    f"inviate {esito.inviate}, lettere da stampare {esito.da_stampare}, "
                    f"rinviate {esito.rinviate}, non inviate {esito.in_errore}"
                )
            if not loop:
                return
            time.sleep(0 if done + esito.in_errore == limite else interval)
