"""Demo: informativa and consents. The SPID/CIE demo citizen has received the informativa and consented to App IO
messages and e-mail contact («I miei consensi» shows them and lets her revoke); some people of the home comune have
the informativa, a couple consented to sharing with the third sector, one revoked a consent; one case is shared with a
demo third-sector cooperative on that consent (the case page shows the basis). Synthetic people only."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_share
from cse.cartella.actions.consensi import consenso_give, consenso_revoke, informativa_record
from cse.cartella.consensi import Informativa
from cse.cartella.glossary import StatoCartella
from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ente
from cse.core.roles import Ruolo

COOP_USERNAME = "coop.terzosettore.demo"


def _worker(ente: Ente):
    return (
        get_user_model()
        .objects.filter(operatore__incarichi__ente=ente, operatore__incarichi__ruolo=Ruolo.ASSISTENTE_SOCIALE)
        .first()
    )


def _citizen(ente: Ente, worker, citizen_cf: str) -> None:
    person = Assistito.objects.filter(owner_ente=ente, codice_fiscale=citizen_cf, unito_a__isnull=True).first()
    if person is None:
        return
    given = timezone.localdate() - timedelta(days=40)
    informativa_record(assistito=person, versione="2025-01", data=given, canale="a_mano", by=worker)
    consenso_give(assistito=person, finalita="app_io", canale="a_mano", by=worker)
    consenso_give(assistito=person, finalita="email", canale="portale", by=worker)


def _shared_case(ente: Ente, worker) -> Cartella | None:
    """A third-sector consent on an open case's person, and the case shared with the demo cooperative on it."""
    cartella = (
        Cartella.objects.filter(owner_ente=ente)
        .exclude(stato=StatoCartella.CHIUSA)
        .select_related("assistito")
        .order_by("pk")
        .first()
    )
    if cartella is None:
        return None
    consenso_give(assistito=cartella.assistito, finalita="terzo_settore", canale="a_mano", by=worker)
    coop, _ = get_user_model().objects.get_or_create(
        username=COOP_USERNAME, defaults={"first_name": "Cooperativa", "last_name": "Sociale (demo)"}
    )
    cartella_share(
        cartella=cartella,
        username=coop.username,
        destinatario="terzo_settore",
        base_giuridica="consenso_terzo_settore",
        scade_il=timezone.localdate() + timedelta(days=180),
        by=worker,
    )
    return cartella


def seed_consensi(ente: Ente, citizen_cf: str = "") -> str:
    """Idempotent: nothing is added once the home comune has an informativa recorded."""
    if Informativa.objects.filter(assistito__owner_ente=ente).exists():
        return "Informative e consensi dimostrativi già presenti."
    worker = _worker(ente)
    if worker is None:
        return "Consensi dimostrativi non creati: manca un assistente sociale."
    _citizen(ente, worker, citizen_cf)
    shared = _shared_case(ente, worker)
    people = list(
        Assistito.objects.filter(owner_ente=ente, unito_a__isnull=True).exclude(codice_fiscale=citizen_cf)[:6]
    )
    for n, person in enumerate(people):
        versione = "2023-01" if n % 2 else "2025-01"
        informativa_record(assistito=person, versione=versione, data=timezone.localdate(), canale="a_mano", by=worker)
    if len(people) > 1:
        revoked = consenso_give(assistito=people[1], finalita="email", canale="a_mano", by=worker)
        consenso_revoke(consenso=revoked, by=worker)
    where = f", cartella {shared.numero} condivisa con una cooperativa sul consenso" if shared else ""
    return f"Informative e consensi dimostrativi: {len(people) + 1} persone{where}."
