"""The SIUSS job (run daily by cron or the task queue; at least quarterly is the legal minimum for periodic
prestazioni, FAQ 2.10): check every prestazione of each ente erogatore, build the flows that are due, expose them."""

from django.core.management.base import BaseCommand
from django.db.models import Q

from cse.cartella.fasi import Prestazione
from cse.core.models import Ente
from cse.siuss.models import EserviceWaas
from cse.siuss.services import flussi_expose, flussi_prepare


class Command(BaseCommand):
    help = "Verifica le prestazioni, prepara ed espone i flussi SIUSS di ogni ente erogatore"

    def add_arguments(self, parser):
        parser.add_argument("--ente", help="codice dell'ente (default: tutti quelli con e-service attivo)")
        parser.add_argument("--no-expose", action="store_true", help="prepara soltanto, senza esporre a INPS")

    def handle(self, *args, ente=None, no_expose=False, **options):
        # every ente that grants prestazioni, configured or not: an ente without its e-service still gets its
        # prestazioni checked, so the gap shows in the worklist instead of being silently skipped
        enti = Ente.objects.filter(
            Q(pk__in=EserviceWaas.objects.filter(attivo=True).values("ente_id"))
            | Q(pk__in=Prestazione.objects.values("ente_erogatore_id"))
        )
        if ente:
            enti = enti.filter(codice=ente)
        for e in enti:
            result = flussi_prepare(ente=e)
            exposed = 0 if no_expose else flussi_expose(ente=e)
            self.stdout.write(
                f"{e.codice}: {result.checked} prestazioni verificate, {result.with_problems} con dati da completare, "
                f"{len(result.created)} flussi preparati, {exposed} esposti"
            )
