"""Register the queued documents in the protocol (cse/core/protocollo.py); `--loop` keeps running (a worker)."""

from django.core.management.base import BaseCommand

from cse.core.protocollo import protocollo_registra_in_coda
from cse.core.worker import Round, run_rounds


class Command(BaseCommand):
    help = "Protocolla i documenti in coda (domande, provvedimenti, lettere); se il protocollo tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--limite", type=int, default=100)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        def one_round() -> Round:
            esito = protocollo_registra_in_coda(limite=limite)
            line = ""
            if esito.registrate or esito.rinviate or esito.in_errore:
                line = f"protocollate {esito.registrate}, rinviate {esito.rinviate}, non protocollate {esito.in_errore}"
            return Round(line, full=esito.registrate == limite)

        run_rounds(one_round, name="protocollo", loop=loop, interval=interval, write=self.stdout.write)
