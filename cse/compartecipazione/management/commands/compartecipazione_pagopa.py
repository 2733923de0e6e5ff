"""The pagoPA worker of the compartecipazione: delivers the queued notices (an outage leaves them queued, retried with
the same key: never two IUVs for one charge), annuls on pagoPA the notices of annulled charges, and reconciles the
receipts of every ente with open notices. `--loop` keeps running (scripts/production.py starts it); without it, one
round (for cron)."""

from django.core.management.base import BaseCommand

from cse.compartecipazione.actions import avvisi_annulla_in_coda, avvisi_invia_in_coda, riconcilia_aperti
from cse.core.worker import Round, run_rounds


class Command(BaseCommand):
    help = "Emette su pagoPA gli avvisi in coda e riconcilia le ricevute; se pagoPA tace, restano in coda."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument("--limite", type=int, default=100)

    def handle(self, *args, loop: bool, interval: float, limite: int, **options):
        run_rounds(
            lambda: self._round(limite),
            name="pagoPA",
            loop=loop,
            interval=interval,
            write=self.stdout.write,
            max_pause=60.0,
        )

    def _round(self, limite: int) -> Round:
        lines = []
        invio = avvisi_invia_in_coda(limite=limite)
        if invio.emessi or invio.rinviati or invio.in_errore:
            lines.append(f"avvisi emessi {invio.emessi}, rinviati {invio.rinviati}, rifiutati {invio.in_errore}")
        annullati = avvisi_annulla_in_coda(limite=limite)
        if annullati.emessi or annullati.rinviati:
            lines.append(f"avvisi annullati su pagoPA {annullati.emessi}, rinviati {annullati.rinviati}")
        for ente, esito in riconcilia_aperti():
            if esito is None:
                lines.append(f"{ente.codice}: pagoPA non disponibile, ricevute al prossimo giro")
            elif esito.pagati or esito.importo_diverso or esito.sconosciute or esito.ripetute:
                lines.append(
                    f"{ente.codice}: pagati {esito.pagati}, importo diverso {esito.importo_diverso}, "
                    f"ripetute {esito.ripetute}, sconosciute {esito.sconosciute}"
                )
        return Round("\n".join(lines))
