"""The monthly run of one ente, for cron: compute the month's charges and queue their pagoPA notices. Idempotent: run
again, it computes only who is missing and queues only the notices not yet queued. The operator named is the one the
charges are recorded as computed by (they must hold manage_compartecipazione in the ente)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cse.compartecipazione import actions, calcolo
from cse.core.models import Ente


class Command(BaseCommand):
    help = "Calcola la compartecipazione del mese di un ente ed emette gli avvisi pagoPA (ripetibile senza doppioni)."

    def add_arguments(self, parser):
        parser.add_argument("--ente", required=True, help="codice dell'ente (Belfiore del comune, codice dell'ambito)")
        parser.add_argument("--operatore", required=True, help="username di chi risponde del calcolo")
        parser.add_argument("--mese", default="", help="AAAA-MM; predefinito: il mese scorso")
        parser.add_argument("--senza-avvisi", action="store_true", help="solo il calcolo, senza emettere gli avvisi")

    def handle(self, *args, ente: str, operatore: str, mese: str, senza_avvisi: bool, **options):
        target = Ente.objects.filter(codice=ente).first()
        user = get_user_model().objects.filter(username=operatore, is_active=True).first()
        if target is None or user is None:
            raise CommandError("Ente o operatore sconosciuto.")
        try:
            month = calcolo.mese_da_testo(mese) if mese else _last_month()
            esito = actions.calcola_compartecipazioni(ente=target, mese=month, by=user)
            self.stdout.write(
                f"{month:%Y-%m}: calcolate {esito.calcolate}, già presenti {esito.gia_presenti}, "
                f"da verificare {esito.da_verificare}"
            )
            if not senza_avvisi:
                emissione = actions.emetti_avvisi(ente=target, mese=month, by=user)
                self.stdout.write(f"avvisi in coda {emissione.accodati}, esclusi {len(emissione.esclusi)}")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc


def _last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
