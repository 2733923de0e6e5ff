"""Import an ambito's piano di zona from the Osservatorio into its budget lines (same service as the budget page)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cse.ambito.services import import_piano_di_zona
from cse.core.external import InteropError
from cse.core.models import Ente


class Command(BaseCommand):
    help = "Importa gli interventi del piano di zona dall'Osservatorio nelle linee di budget dell'ambito."

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="codice regionale dell'ambito, es. BA01")
        parser.add_argument("--anno", required=True, type=int)
        parser.add_argument("--operatore", required=True, help="username di un operatore dell'Ufficio di Piano")

    def handle(self, *args, ambito, anno, operatore, **options):
        ente = Ente.objects.filter(ambito__codice=ambito).select_related("ambito").first()
        if ente is None:
            raise CommandError(f"Nessun ambito con codice {ambito}.")
        user = get_user_model().objects.filter(username=operatore, is_active=True).first()
        if user is None:
            raise CommandError(f"Nessun operatore attivo {operatore}.")
        try:
            esito = import_piano_di_zona(ente, anno, user)
        except InteropError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Piano di zona {anno} dell'ambito {ambito}: {esito['create']} linee create, "
            f"{esito['aggiornate']} aggiornate, {esito['invariate']} invariate."
        )
