"""Send the queued notifications of the approved provvedimenti (cse/bandi/notifiche/actions.py); `--loop` keeps
running (a worker of the production topology)."""

from django.core.management.base import BaseCommand

from cse.bandi.notifiche.actions import notifiche_invia_in_coda
from cse.core.worker import Round, run_rounds


class Command(BaseCommand):
    help = "Invia le notifiche dei provvedimenti (app IO, e-mail, lettere); se un canale tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--limite", type=int, default=200)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        def one_round() -> Round:
            esito = notifiche_invia_in_coda(limite=limite)
            done = esito.inviate + esito.da_stampare
            line = ""
            if done or esito.rinviate or esito.in_errore:
                line = (
                    f"inviate {esito.inviate}, lettere da stampare {esito.da_stampare}, "
                    f"rinviate {esito.rinviate}, non inviate {esito.in_errore}"
                )
            return Round(line, full=done + esito.in_errore == limite)

        run_rounds(one_round, name="notifiche", loop=loop, interval=interval, write=self.stdout.write)
