"""Send the regional tier's de-identified events not yet received by the DSS (batches resent identically)."""

from django.core.management.base import BaseCommand, CommandError

from cse.core.models import Ente
from cse.core.roles import TipoEnte
from cse.regionale.dss import DIMENSIONE_LOTTO, dss_export


class Command(BaseCommand):
    help = "Invia al DSS regionale, in lotti, gli eventi pseudonimizzati del livello regionale non ancora ricevuti."

    def add_arguments(self, parser):
        parser.add_argument("--ente", default=None, help="codice dell'ente Regione che chiama il DSS via PDND")
        parser.add_argument("--max-lotti", type=int, default=None)
        parser.add_argument("--dimensione", type=int, default=DIMENSIONE_LOTTO)

    def handle(self, *args, ente: str | None, max_lotti: int | None, dimensione: int, **options):
        enti = Ente.objects.filter(tipo=TipoEnte.REGIONE)
        regione = (enti.filter(codice=ente) if ente else enti.order_by("pk")).first()
        if regione is None:
            raise CommandError("Nessun ente Regione configurato per l'invio al DSS.")
        if dimensione < 1:
            raise CommandError("La dimensione del lotto deve essere almeno 1.")
        esito = dss_export(ente=regione, operatore=None, max_lotti=max_lotti, dimensione=dimensione)
        if esito.errore:
            raise CommandError(esito.messaggio)
        self.stdout.write(esito.messaggio)
