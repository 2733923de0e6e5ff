"""Issue the TOTP activation code of an operator from the command line: for the first administrator of an ente,
who has nobody above them in the ente screens to issue it.

manage.py codice_attivazione USERNAME --da SUPERUSER [--ente CODICE]   # prints the code once
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cse.core.models import Ente, Incarico, Operatore
from cse.core.otp_activation import codice_attivazione_issue


def _operatore(username: str) -> Operatore:
    found = Operatore.objects.select_related("user").filter(user__username=username, user__is_active=True).first()
    if found is None:
        raise CommandError(f"Nessun operatore attivo con nome utente «{username}».")
    return found


def _issuer(username: str):
    """Only the installation's superusers issue codes outside the ente screens; the row records who did."""
    found = get_user_model().objects.filter(username=username, is_active=True, is_superuser=True).first()
    if found is None:
        raise CommandError(f"«{username}» non è un superutente attivo dell'installazione.")
    return found


def _ente(operatore: Operatore, codice: str | None) -> Ente:
    """The ente of the operator's active incarico; with several, the one named by --ente."""
    incarichi = Incarico.objects.filter(operatore=operatore, attivo=True).select_related("ente")
    enti = {i.ente.codice: i.ente for i in incarichi}
    if codice:
        if codice not in enti:
            raise CommandError(f"L'operatore non ha incarichi attivi presso l'ente con codice «{codice}».")
        return enti[codice]
    if not enti:
        raise CommandError("L'operatore non ha incarichi attivi: assegnare prima un incarico.")
    if len(enti) > 1:
        raise CommandError(f"L'operatore ha incarichi in più enti: indicare --ente tra {', '.join(sorted(enti))}.")
    return next(iter(enti.values()))


class Command(BaseCommand):
    help = "Emette il codice di attivazione del secondo fattore di un operatore (lo mostra una sola volta)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="nome utente dell'operatore")
        parser.add_argument("--da", required=True, help="nome utente del superutente che emette il codice")
        parser.add_argument("--ente", help="codice dell'ente, se l'operatore ha incarichi in più enti")

    def handle(self, *args, username: str, da: str, ente: str | None, **options):
        operatore = _operatore(username)
        issuer = _issuer(da)
        try:
            codice = codice_attivazione_issue(operatore=operatore, ente=_ente(operatore, ente), by=issuer)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stdout.write(f"Codice di attivazione per {operatore} ({username}): {codice}")
        self.stdout.write(
            f"Valido {settings.CSE_OTP_ACTIVATION_HOURS} ore, una sola volta; non sarà più mostrato. "
            "Consegnarlo all'operatore per un canale diverso dalla password."
        )
