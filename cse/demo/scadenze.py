"""Demo deadlines: each demo case manager finds on "Oggi" a reminder due today, an overdue integration and one due
this week (the progetti of the delivered cases already carry their review deadlines)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cse.cartella.actions.scadenze import scadenza_add
from cse.cartella.models import Cartella, Scadenza
from cse.core.codelists.scadenze import TipoScadenza
from cse.core.roles import Capability

DEMO_NOTE = "Promemoria dimostrativo"
PLAN = (
    (TipoScadenza.PROMEMORIA, 0, "Richiamare la persona per l'appuntamento"),
    (TipoScadenza.INTEGRAZIONE, -3, "Attesa la certificazione medica richiesta"),
    (TipoScadenza.VERIFICA_UVM, 4, "Verifica del progetto con l'UVM"),
)


def seed_scadenze(*, username: str) -> int:
    """Three deadlines on the case manager's first open cases; nothing when they are already there."""
    worker = get_user_model().objects.get(username=username)
    if Scadenza.objects.filter(responsabile=worker, note__startswith=DEMO_NOTE).exists():
        return 0
    cases = (
        Cartella.objects.visible_to(worker, Capability.MANAGE_CARTELLE)
        .filter(case_manager=worker)
        .exclude(stato="chiusa")
        .order_by("pk")[: len(PLAN)]
    )
    today = timezone.localdate()
    made = 0
    for case, (tipo, days, text) in zip(cases, PLAN, strict=False):
        scadenza_add(
            cartella=case,
            tipo=tipo,
            due=today + timedelta(days=days),
            by=worker,
            responsabile=worker,
            note=f"{DEMO_NOTE}: {text}",
            gia_scaduta=days < 0,
        )
        made += 1
    return made
