"""Every write of the liquidazione: one transaction each, with its history rows and its outbox events; bad input is
an Italian ValidationError and nothing is written.

Paying an instalment records, in the same transaction, the prestazione of the beneficiary (cse/cartella/actions/
contributi.py: the bando's nomenclatore code, the amount, the period), whose `cartella.prestazione_erogata` event
reaches the region pseudonymised and which SIUSS receives in the next PS/PSA flow. A revocation is a new act: it
cancels the instalments not yet paid from its date, marks the paid ones to recover and revokes their prestazioni
(SIUSS then sends the cancellation). Nothing already decided is edited.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse.cartella.actions.assistito import isee_add
from cse.cartella.actions.contributi import (
    beneficiary_cartella,
    prestazione_contributo_register,
    prestazione_revoke,
)
from cse.cartella.glossary import UnitaMisura
from cse.core.codelists.isee import TipoIsee
from cse.core.models import Ente
from cse.core.outbox import outbox_append
from cse.core.permissions import has_capability
from cse.core.roles import Capability, TipoEnte

from ..glossary import Fonte, Intestatario, StatoRata
from ..models import Domanda, Liquidazione, Rata, Revoca
from ..workflow import DOMANDA, REFUSE_FOREIGN, is_own
from . import rules
from .selectors import posizione_definitiva
from .workflow import RATA

RIGHT = Capability.MANAGE_BANDI


def _save(obj, by, reason: str) -> None:
    """Save with the history row's author and reason (as cse/bandi/actions.py)."""
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.full_clean()
    obj.save()


def _require_manager(by, domanda: Domanda) -> None:
    if not has_capability(by, RIGHT, domanda.ente_id):
        raise ValidationError(REFUSE_FOREIGN)


def _lock_domanda(domanda: Domanda) -> Domanda:
    return (
        Domanda.objects.select_for_update()
        .select_related("bando__ente", "bando__codice_prestazione")
        .get(pk=domanda.pk)
    )


def _open(domanda: Domanda, by) -> Liquidazione:
    """The beneficiary's plan, opened on first need from the final ranking (caller holds the domanda's lock)."""
    existing = Liquidazione.objects.filter(domanda=domanda).first()
    if existing:
        return existing
    posizione = posizione_definitiva(domanda)
    if posizione is None:
        raise ValidationError("La domanda non è in una graduatoria definitiva: non c'è nulla da liquidare.")
    problems = rules.liquidabile(posizione)
    if problems:
        raise ValidationError(problems)
    liquidazione = Liquidazione(
        domanda=domanda, posizione=posizione, importo_totale=posizione.importo_assegnato, creata_da=by
    )
    _save(liquidazione, by, "piano di pagamento aperto")
    outbox_append(
        aggregate=liquidazione,
        event_type="liquidazione.aperta",
        payload={"domanda": domanda.pk, "importo": str(liquidazione.importo_totale)},
    )
    return liquidazione


@transaction.atomic
def iban_set(
    *,
    domanda: Domanda,
    by,
    iban: str,
    intestatario: str = Intestatario.BENEFICIARIO,
    delegato_codice_fiscale: str = "",
    delegato_cognome: str = "",
    delegato_nome: str = "",
) -> Liquidazione:
    """The account the contributo goes to, typed by the beneficiary online or by the ente's operator: a valid IBAN,
    held by the beneficiary or by a declared delegate (their codice fiscale checked). The next instalments go there;
    the ones already paid keep the IBAN they were paid to."""
    locked = _lock_domanda(domanda)
    own = is_own(by, locked.codice_fiscale)
    if not own:
        _require_manager(by, locked)
    conto = rules.conto(
        beneficiario_cf=locked.codice_fiscale,
        iban=iban,
        intestatario=intestatario,
        delegato_cf=delegato_codice_fiscale,
        cognome=delegato_cognome,
        nome=delegato_nome,
    )
    liquidazione = _open(locked, by)
    if hasattr(liquidazione, "revoca"):
        raise ValidationError("Il beneficio è stato revocato: non si registrano nuovi conti di pagamento.")
    liquidazione.iban, liquidazione.intestatario = conto.iban, conto.intestatario
    liquidazione.delegato_codice_fiscale = conto.delegato_codice_fiscale
    liquidazione.delegato_cognome, liquidazione.delegato_nome = conto.delegato_cognome, conto.delegato_nome
    liquidazione.iban_inserito_da, liquidazione.iban_inserito_il = by, timezone.now()
    _save(liquidazione, by, "IBAN registrato dal beneficiario" if own else "IBAN registrato dall'operatore")
    outbox_append(
        aggregate=liquidazione,
        event_type="liquidazione.iban_registrato",
        payload={"intestatario": conto.intestatario, "canale": "online" if own else "operatore"},
    )
    return liquidazione


@transaction.atomic
def rate_plan(*, domanda: Domanda, by, numero_rate: int, dal: date, mesi: int = 1) -> list[Rata]:
    """The instalments of the awarded amount: equal, the last one absorbing the rounding cent, each covering `mesi`
    months from `dal` (its SIUSS period) and falling due when its period starts. Planned once: a different plan
    after that is a new act (a revocation and a new award)."""
    locked = _lock_domanda(domanda)
    _require_manager(by, locked)
    if dal is None:
        raise ValidationError({"dal": ["Indicare da quando decorre il contributo."]})
    liquidazione = _open(locked, by)
    if liquidazione.rate.exists():
        raise ValidationError("Le rate sono già pianificate: il piano non si modifica.")
    rate = []
    for r in rules.plan(liquidazione.importo_totale, int(numero_rate), dal, int(mesi)):
        rata = Rata(
            liquidazione=liquidazione,
            numero=r.numero,
            importo=r.importo,
            scadenza=r.periodo_dal,
            periodo_dal=r.periodo_dal,
            periodo_al=r.periodo_al,
        )
        _save(rata, by, "rata pianificata")
        rate.append(rata)
    outbox_append(
        aggregate=liquidazione,
        event_type="liquidazione.rate_pianificate",
        payload={"rate": len(rate), "importo": str(liquidazione.importo_totale)},
    )
    return rate


def _lock_rata(rata: Rata) -> Rata:
    return (
        Rata.objects.select_for_update()
        .select_related("liquidazione__domanda__bando__ente", "liquidazione__domanda__bando__codice_prestazione")
        .get(pk=rata.pk)
    )


def _already_paid(rata: Rata, mandato_numero: str) -> Rata:
    """A repeated request for the same payment (a double click, a retry after a timeout) changes nothing; a second
    mandato for a paid instalment is refused."""
    if rata.mandato_numero == mandato_numero:
        return rata
    raise ValidationError(
        f"La rata {rata.numero} è già liquidata con il mandato n. {rata.mandato_numero} "
        f"del {rata.mandato_data:%d/%m/%Y}: non si paga due volte."
    )


def _payment_problems(rata: Rata, mandato_numero: str, mandato_data: date | None) -> list[str]:
    liquidazione = rata.liquidazione
    problems = rules.liquidabile(liquidazione.posizione)
    if not liquidazione.iban:
        problems.append("Manca l'IBAN su cui pagare: lo inserisce il beneficiario online o l'operatore.")
    if not mandato_numero:
        problems.append("Indicare il numero del mandato di pagamento.")
    if mandato_data is None or mandato_data > timezone.localdate():
        problems.append("Indicare la data del mandato (non futura).")
    return problems


def beneficiary_comune(domanda: Domanda) -> Ente:
    """Where the beneficiary is a person of the social service: their registered record's comune, the comune whose
    bando it is, or (for an ambito's bando) the comune of residence in the domanda."""
    if domanda.assistito_id:
        return domanda.assistito.owner_ente
    if domanda.bando.ente.tipo == TipoEnte.COMUNE:
        return domanda.bando.ente
    comune = Ente.objects.filter(comune_id=domanda.comune_residenza_id).first() if domanda.comune_residenza_id else None
    if comune is None:
        raise ValidationError(
            "Il comune di residenza del beneficiario non usa il sistema o non è indicato nella domanda: "
            "collegare la domanda alla persona in carico prima di liquidare."
        )
    return comune


def _prestazione_for(rata: Rata, by):
    domanda, bando = rata.liquidazione.domanda, rata.liquidazione.domanda.bando
    cartella = beneficiary_cartella(
        comune=beneficiary_comune(domanda),
        codice_fiscale=domanda.codice_fiscale,
        cognome=domanda.cognome,
        nome=domanda.nome,
        by=by,
    )
    _record_inps_isee(cartella, domanda, by)
    voce = bando.codice_prestazione
    data = {
        "voce": voce,
        "carattere": voce.carattere,
        "data_inizio": rata.periodo_dal,
        "data_fine": rata.periodo_al,
        "quantita": rata.importo,
        "unita": UnitaMisura.EURO,
        "importo": rata.importo,
        "fonte": bando.fonte,
        "erogatore": bando.ente.nome[:200],
        "ente_erogatore": bando.ente,
    }
    return prestazione_contributo_register(cartella=cartella, data=data, by=by)


def _record_inps_isee(cartella, domanda: Domanda, by) -> None:
    """The ISEE the bando was decided on, as INPS certified it at the application, goes to the person's record (the
    social worker sees it, and SIUSS reads its DSU protocol for a means-tested benefit); once per DSU."""
    isee, fatto = domanda.dati.get("isee") or {}, (domanda.dati.get("fatti") or {}).get("isee.valore") or {}
    if not isee.get("protocollo_dsu") or fatto.get("fonte") != Fonte.ISEE:
        return
    assistito = cartella.assistito
    if assistito.isee.filter(protocollo_dsu=isee["protocollo_dsu"]).exists():
        return
    presentata = date.fromisoformat(isee["data_presentazione"])
    isee_add(
        assistito=assistito,
        data={
            "tipo": TipoIsee.ORDINARIO,
            "valore": Decimal(str(fatto["valore"])),
            "protocollo_dsu": isee["protocollo_dsu"],
            "data_presentazione": presentata,
            "valida_dal": presentata,
            "valida_al": date.fromisoformat(isee["valida_al"]),
        },
        by=by,
    )


@transaction.atomic
def rata_liquidate(*, rata: Rata, by, mandato_numero: str, mandato_data: date | None) -> Rata:
    """Pay an instalment with its mandato: the instalment, the beneficiary's prestazione (and, if needed, their
    record and cartella) and the events, all or nothing. The same mandato again is a no-op, so a retry never pays
    or reports twice."""
    mandato_numero = (mandato_numero or "").strip()
    locked = _lock_rata(rata)
    RATA.check_actor(locked, "liquida", by)
    if locked.stato == StatoRata.LIQUIDATA:
        return _already_paid(locked, mandato_numero)
    problems = RATA.refusal(locked, "liquida") or _payment_problems(locked, mandato_numero, mandato_data)
    if problems:
        raise ValidationError(problems)
    prestazione = _prestazione_for(locked, by)
    RATA.apply(
        locked,
        "liquida",
        by=by,
        payload={"numero": locked.numero, "importo": str(locked.importo), "mandato": mandato_numero},
    )
    locked.mandato_numero, locked.mandato_data = mandato_numero, mandato_data
    locked.iban_pagamento = locked.liquidazione.iban
    locked.liquidata_da, locked.liquidata_il, locked.prestazione = by, timezone.now(), prestazione
    _save(locked, by, f"liquidata con mandato n. {mandato_numero}")
    _link_person(locked.liquidazione.domanda, prestazione.cartella.assistito, by)
    return locked


def _link_person(domanda: Domanda, assistito, by) -> None:
    """The domanda points at the person in care it paid, so the operators find one from the other."""
    if domanda.assistito_id is None:
        locked = Domanda.objects.select_for_update().get(pk=domanda.pk)
        locked.assistito = assistito
        _save(locked, by, "collegata alla persona in carico (liquidazione)")


def _revoca_fields(motivo: str, atto_numero: str, atto_data: date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (motivo or "").strip():
        errors["motivo"] = ["Indicare il motivo della revoca."]
    if not (atto_numero or "").strip():
        errors["atto_numero"] = ["Indicare il numero dell'atto di revoca."]
    if atto_data is None or atto_data > timezone.localdate():
        errors["atto_data"] = ["Indicare la data dell'atto di revoca (non futura)."]
    return errors


@transaction.atomic
def revoca_register(
    *, domanda: Domanda, by, motivo: str, atto_numero: str, atto_data: date | None, decorrenza: date | None = None
) -> Revoca:
    """Revoke a benefit by an act, from `decorrenza` (empty: from the start). Instalments whose period starts from
    then on: not yet paid → cancelled; paid → to recover, and their prestazioni revoked (SIUSS cancellation, the
    region drops them). The domanda becomes «beneficio revocato». Earlier instalments stay due."""
    locked = _lock_domanda(domanda)
    DOMANDA.check_actor(locked, "revoca", by)
    errors = _revoca_fields(motivo, atto_numero, atto_data)
    if errors:
        raise ValidationError(errors)
    liquidazione = Liquidazione.objects.select_for_update().filter(domanda=locked).first() or _open(locked, by)
    if Revoca.objects.filter(liquidazione=liquidazione).exists():
        raise ValidationError("Il beneficio è già revocato: una nuova decisione si prende con un nuovo atto.")
    rate = list(liquidazione.rate.select_for_update(of=("self",)).select_related("prestazione").order_by("numero"))
    decorrenza = decorrenza or (rate[0].periodo_dal if rate else atto_data)
    colpite = [r for r in rate if r.periodo_dal >= decorrenza]
    motivo = motivo.strip()
    DOMANDA.apply(locked, "revoca", by=by, payload={"atto": atto_numero.strip(), "decorrenza": decorrenza.isoformat()})
    _save(locked, by, f"beneficio revocato: {motivo}")
    for rata in colpite:
        rata.liquidazione = liquidazione
        if rata.stato == StatoRata.PROGRAMMATA:
            RATA.apply(rata, "annulla", by=by, payload={"numero": rata.numero})
            _save(rata, by, f"annullata dalla revoca n. {atto_numero.strip()}")
        elif rata.stato == StatoRata.LIQUIDATA:
            prestazione_revoke(prestazione=rata.prestazione, atto_data=atto_data, motivo=motivo, by=by)
    recuperare = sum((r.importo for r in colpite if r.stato == StatoRata.LIQUIDATA), start=rules.money("0"))
    revoca = Revoca(
        liquidazione=liquidazione,
        motivo=motivo,
        atto_numero=atto_numero.strip(),
        atto_data=atto_data,
        decorrenza=decorrenza,
        importo_da_recuperare=recuperare,
        revocata_da=by,
    )
    _save(revoca, by, "revoca registrata")
    outbox_append(aggregate=liquidazione, event_type="liquidazione.revocata", payload={"importo": str(recuperare)})
    return revoca
