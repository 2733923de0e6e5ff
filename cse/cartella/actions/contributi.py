"""Contributi economici granted by an administrative act (the liquidazione of a bando): each paid instalment is a
prestazione of the beneficiary, so the beneficiary is a person of the social service with a cartella.

A mature product does not leave a paid contributo outside the case record: SIUSS receives prestazioni per person and
per ente erogatore, and the social worker who later meets the person sees what the ente has already given. So when
the beneficiary is not yet registered in their comune, the person is registered (identity from the domanda and its
codice fiscale) and a cartella opened, through the same actions the front desk uses; an existing open cartella is
reused. The prestazione is recorded in whatever phase the case is (the grant is the act, not the case plan)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from cse.core.models import Ente
from cse.core.roles import TipoEnte

from ..fasi import Prestazione
from ..glossary import StatoCartella
from ..identity import normalise_cf, what_the_cf_says
from ..models import Assistito, Cartella
from ..records import prestazione_payload
from .assistito import assistito_register
from .cartella import cartella_open
from .ritual import case_change


def beneficiary_cartella(*, comune: Ente, codice_fiscale: str, cognome: str, nome: str, by) -> Cartella:
    """The open cartella of the beneficiary in their comune: the existing one, or a new one (registering the person
    first if the comune does not know them). Caller holds the transaction."""
    if comune.tipo != TipoEnte.COMUNE:
        raise ValidationError("Il beneficiario si registra presso il suo comune di residenza.")
    cf = normalise_cf(codice_fiscale)
    assistito = Assistito.objects.filter(owner_ente=comune, codice_fiscale=cf, unito_a__isnull=True).first()
    if assistito is None:
        assistito = _register(comune, cf, cognome, nome)
    cartella = (
        Cartella.objects.filter(assistito=assistito).exclude(stato=StatoCartella.CHIUSA).order_by("-aperta_il").first()
    )
    return cartella or cartella_open(assistito=assistito, by=by)


def _register(comune: Ente, cf: str, cognome: str, nome: str) -> Assistito:
    said = what_the_cf_says(cf)
    if "errore" in said:
        raise ValidationError(f"Codice fiscale del beneficiario: {said['errore']}")
    return assistito_register(
        ente=comune,
        codice_fiscale=cf,
        cognome=cognome,
        nome=nome,
        sesso=said["sesso"],
        data_nascita=date.fromisoformat(said["data_nascita"]),
        luogo_nascita=said["luogo_nascita"],
        comune_residenza=comune.comune,
        confirm_not_duplicate=True,  # the codice fiscale is verified and no one in the comune holds it
    )


def prestazione_contributo_register(*, cartella: Cartella, data: dict, by) -> Prestazione:
    """A contributo paid by an act: the prestazione (amount, period, nomenclatore code, ente erogatore) with its
    diary line and its `cartella.prestazione_erogata` event, the one that reaches the region pseudonymised. The
    caller (the bandi liquidazione) has checked who acts."""
    with case_change(cartella, by=by, bump=False) as change:
        prestazione = Prestazione(cartella=change.cartella, **data)
        prestazione.full_clean()
        change.save(prestazione, reason="contributo liquidato")
        change.diary(f"Liquidato il contributo {prestazione.voce.codice}: {prestazione.importo} €.")
        change.event("cartella.prestazione_erogata", prestazione_payload(prestazione))
    return prestazione


def prestazione_revoke(*, prestazione: Prestazione, atto_data: date, motivo: str, by) -> Prestazione:
    """The benefit behind a prestazione is revoked by an act: the row stays (what was paid, and when), marked
    revoked; SIUSS cancels what it received of it (cse/siuss/services.py) and the region drops it from its figures."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError("Indicare il motivo della revoca.")
    with case_change(prestazione.cartella_id, by=by, allow_closed=True, bump=False) as change:
        locked = (
            Prestazione.objects.select_for_update(of=("self",))  # ente_erogatore may be null: lock the row only
            .select_related("voce", "ente_erogatore")
            .get(pk=prestazione.pk)
        )
        if locked.revocata_il:
            return locked
        locked.revocata_il, locked.motivo_revoca = atto_data, motivo[:300]
        locked.full_clean()
        change.save(locked, reason=f"revocata: {motivo}")
        change.diary(f"Revocata la prestazione {locked.voce.codice} ({locked.importo} €): {motivo}")
        change.event("cartella.prestazione_revocata", prestazione_payload(locked) | {"data": atto_data.isoformat()})
    return locked
