"""Every write of the compartecipazione: one transaction each, with its history row (simple-history, with the reason)
and its outbox event (registered in cse/core/events.py); bad input is an Italian ValidationError and nothing is
written. A decision is reversed only by a new act (an annulment with its reason; a corrected charge is a new row).

Tariffa: a new version from a date (never an edit). The monthly run: `calcola_compartecipazioni` (idempotent: a
person's active charge for the service and month is never made twice) and `emetti_avvisi` (queues one notice per
charge). The worker `avvisi_invia_in_coda` delivers the queue to pagoPA with the charge's idempotency key, retrying
after an outage; `riconcilia_pagamenti` reads the receipts back and matches them by IUV.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cartella.models import Assistito
from cse.cartella.rete import Isee
from cse.core.external import CallContext, InteropError
from cse.core.models import Ente
from cse.core.outbox import outbox_append
from cse.core.pagamenti import PosizioneDebitoria, Ricevuta, creditore_di, pagopa, riconcilia
from cse.core.permissions import has_capability
from cse.core.retry import da_ritentare, prossimo_tentativo
from cse.core.roles import Capability

from . import calcolo
from .glossary import UNITA_PRESTAZIONE, EsitoRicevuta, StatoCompartecipazione, StatoInvio, UnitaTariffa
from .models import Avviso, Compartecipazione, FasciaIsee, Pagamento, Tariffa
from .workflow import AVVISO, COMPARTECIPAZIONE, REFUSE_FOREIGN

logger = logging.getLogger(__name__)
SC = StatoCompartecipazione


def _require(user, ente_id: int) -> None:
    if not has_capability(user, Capability.MANAGE_COMPARTECIPAZIONE, ente_id):
        raise ValidationError(REFUSE_FOREIGN)


def _save(obj: models.Model, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save()


def _ente_locked(ente: Ente) -> Ente:
    """Serialise the writes of one ente's compartecipazione (two monthly runs at once wait for each other)."""
    return Ente.objects.select_for_update().get(pk=ente.pk)


# --- tariffa ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def tariffa_crea(*, ente: Ente, voce: VoceNomenclatore, fasce: list[dict], by, **fields: Any) -> Tariffa:
    """A tariff, or its next version from `valida_dal` (the earlier versions stay as they were: they priced their
    months). `fasce`: dicts of isee_da, isee_a (None for the last), tipo, valore — contiguous from 0.00 €."""
    _require(by, ente.pk)
    _ente_locked(ente)
    precedente = Tariffa.objects.filter(ente=ente, voce=voce).order_by("-versione").first()
    tariffa = Tariffa(ente=ente, voce=voce, creata_da=by, **fields)
    if precedente is not None:
        tariffa.versione, tariffa.sostituisce = precedente.versione + 1, precedente
    _check_tariffa(tariffa, precedente, fasce)
    _save(tariffa, by, f"tariffa v{tariffa.versione}")
    FasciaIsee.objects.bulk_create(
        [
            FasciaIsee(
                tariffa=tariffa, **{k: f.get(k) for k in ("isee_da", "isee_a", "tipo")}, valore=f.get("valore") or 0
            )
            for f in fasce
        ]
    )
    outbox_append(
        aggregate=tariffa, event_type="tariffa.creata", payload={"voce": voce.codice, "versione": tariffa.versione}
    )
    return tariffa


def _check_tariffa(tariffa: Tariffa, precedente: Tariffa | None, fasce: list[dict]) -> None:
    problems = []
    if tariffa.tariffa_piena is None or tariffa.tariffa_piena <= 0:
        problems.append("La tariffa piena deve essere maggiore di zero.")
    elif tariffa.tariffa_piena != tariffa.tariffa_piena.quantize(calcolo.CENT):
        problems.append("La tariffa piena può avere al massimo due decimali.")
    else:
        problems += calcolo.controlla_fasce(fasce, tariffa.tariffa_piena)
    if precedente is not None and tariffa.valida_dal and tariffa.valida_dal <= precedente.valida_dal:
        problems.append(
            f"La nuova versione deve valere da una data successiva al {precedente.valida_dal:%d/%m/%Y} "
            "(la versione precedente resta per i mesi già calcolati)."
        )
    if problems:
        raise ValidationError(problems)
    tariffa.full_clean(exclude=["sostituisce"])


def tariffa_in_vigore(ente: Ente, mese: date) -> list[Tariffa]:
    """For each service of the ente, the version in force on the month's first day."""
    candidates = Tariffa.objects.filter(ente=ente, valida_dal__lte=mese).filter(
        Q(valida_al__isnull=True) | Q(valida_al__gte=mese)
    )
    latest: dict[int, Tariffa] = {}
    for t in candidates.select_related("voce").order_by("voce_id", "valida_dal"):
        latest[t.voce_id] = t
    return list(latest.values())


# --- the monthly charge -----------------------------------------------------------------------------------------------


@dataclass
class EsitoCalcolo:
    calcolate: int = 0
    gia_presenti: int = 0
    da_verificare: int = 0
    servizi: int = 0


def _prestazioni_del_mese(tariffa: Tariffa, mese: date):
    return Prestazione.objects.filter(
        ente_erogatore=tariffa.ente,
        voce__codice=tariffa.voce.codice,
        data_inizio__gte=mese,
        data_inizio__lte=calcolo.fine_mese(mese),
    )


def quantita_erogata(tariffa: Tariffa, assistito_id: int, mese: date) -> tuple[Decimal, str]:
    """The units delivered to the person in the month (hours or days of the voce; 1 for a monthly tariff), and a
    note when some prestazione of the voce is in another unit (not counted: to check)."""
    rows = _prestazioni_del_mese(tariffa, mese).filter(cartella__assistito_id=assistito_id)
    if tariffa.unita == UnitaTariffa.MESE:
        return (Decimal("1") if rows.exists() else Decimal("0")), ""
    unita = UNITA_PRESTAZIONE[tariffa.unita]
    totale = rows.filter(unita=unita).aggregate(t=Sum("quantita"))["t"] or Decimal("0")
    altre = rows.exclude(unita=unita).count()
    nota = f"{altre} prestazioni registrate in un'altra unità di misura: non conteggiate." if altre else ""
    return totale, nota


def _nuova_compartecipazione(tariffa: Tariffa, assistito: Assistito, mese: date, by, sostituisce=None):
    quantita, nota = quantita_erogata(tariffa, assistito.pk, mese)
    attestazioni = Isee.objects.filter(assistito=assistito, tipo=tariffa.tipo_isee)
    isee = calcolo.isee_del_mese(attestazioni, mese)
    q = calcolo.quota(tariffa, list(tariffa.fasce.all()), isee, quantita)
    comp = Compartecipazione(
        ente=tariffa.ente,
        tariffa=tariffa,
        codice_voce=tariffa.voce.codice,
        assistito=assistito,
        mese=mese,
        quantita=quantita,
        unita=tariffa.unita,
        fascia=q.fascia,
        importo_unitario=q.importo_unitario,
        importo=q.importo,
        isee_valore=isee.valore,
        isee_protocollo_dsu=isee.protocollo_dsu,
        isee_valida_al=isee.valida_al,
        isee_esito=isee.esito,
        segnalazione=" ".join(s for s in (q.segnalazione.strip(), nota) if s),
        da_verificare=q.da_verificare or bool(nota),
        sostituisce=sostituisce,
        calcolata_da=by,
    )
    _save(comp, by, "compartecipazione calcolata" if sostituisce is None else "ricalcolo dopo annullamento")
    payload = {"mese": f"{mese:%Y-%m}", "importo": str(comp.importo)}
    outbox_append(aggregate=comp, event_type="compartecipazione.calcolata", payload=payload)
    return comp


@transaction.atomic
def calcola_compartecipazioni(*, ente: Ente, mese: date, by) -> EsitoCalcolo:
    """The month's charges of every person served under a tariff of the ente. Running it again computes only who is
    still missing (the active charge of a person, service and month is unique): it never duplicates."""
    _require(by, ente.pk)
    _ente_locked(ente)
    esito = EsitoCalcolo()
    for tariffa in tariffa_in_vigore(ente, mese):
        esito.servizi += 1
        persone = set(_prestazioni_del_mese(tariffa, mese).values_list("cartella__assistito_id", flat=True))
        presenti = set(
            Compartecipazione.objects.filter(ente=ente, codice_voce=tariffa.voce.codice, mese=mese)
            .exclude(stato=SC.ANNULLATA)
            .values_list("assistito_id", flat=True)
        )
        esito.gia_presenti += len(persone & presenti)
        for assistito in Assistito.objects.filter(pk__in=persone - presenti).order_by("pk"):
            comp = _nuova_compartecipazione(tariffa, assistito, mese, by)
            esito.calcolate += 1
            esito.da_verificare += comp.da_verificare
    return esito


def _lock(comp: Compartecipazione) -> Compartecipazione:
    return Compartecipazione.objects.select_for_update().select_related("ente").get(pk=comp.pk)


@transaction.atomic
def annulla(*, comp: Compartecipazione, motivo: str, by) -> Compartecipazione:
    """An annulment is an act with its reason: the row stays, marked annullata (its notice too, if not paid)."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": ["Indicare il motivo dell'annullamento (l'atto che lo dispone)."]})
    comp = _lock(comp)
    COMPARTECIPAZIONE.apply(comp, "annulla", by=by, payload={"motivo": motivo[:200]})
    comp.motivo_annullamento, comp.annullata_da, comp.annullata_il = motivo, by, timezone.now()
    _save(comp, by, f"annullata: {motivo}")
    avviso = Avviso.objects.select_for_update().filter(compartecipazione=comp).first()
    if avviso is not None and avviso.stato in AVVISO.get("annulla").sources:
        AVVISO.apply(avviso, "annulla", by=by)
        _save(avviso, by, f"annullato con la compartecipazione: {motivo}")
    return comp


@transaction.atomic
def ricalcola(*, comp: Compartecipazione, motivo: str, by) -> Compartecipazione:
    """Annul (with the reason) and compute again from today's data (an ISEE corrected, hours added): the new charge
    points to the one it replaces."""
    vecchia = annulla(comp=comp, motivo=motivo, by=by)
    return _nuova_compartecipazione(vecchia.tariffa, vecchia.assistito, vecchia.mese, by, sostituisce=vecchia)


# --- pagoPA notices: the queue ----------------------------------------------------------------------------------------


@dataclass
class EsitoEmissione:
    accodati: int = 0
    esclusi: list[str] = field(default_factory=list)


def chiave_di(comp: Compartecipazione) -> str:
    """The idempotency key of a charge's notice (GPD's IUPD): the same charge always asks for the same notice."""
    return f"CSE-{comp.ente.codice}-COMP-{comp.pk}"


def _accoda(comp: Compartecipazione, by, now: datetime) -> Avviso:
    cf, segregazione = creditore_di(comp.ente)
    avviso = Avviso(
        compartecipazione=comp,
        ente=comp.ente,
        chiave=chiave_di(comp),
        importo=comp.importo,
        scadenza=timezone.localdate(now) + timedelta(days=comp.tariffa.giorni_pagamento),
        causale=f"Compartecipazione {comp.tariffa.denominazione} - {comp.mese:%m/%Y}"[:140],
        ente_codice_fiscale=cf,
        segregazione=segregazione,
        prossimo_tentativo_il=now,
    )
    _save(avviso, by, "avviso in coda per pagoPA")
    outbox_append(aggregate=comp, event_type="compartecipazione.avviso_accodato", payload={"chiave": avviso.chiave})
    return avviso


@transaction.atomic
def emetti_avvisi(*, ente: Ente, mese: date, by, now: datetime | None = None) -> EsitoEmissione:
    """Queue the notice of every charge of the month that can be issued; a charge to check or of zero is left out
    (with why). The delivery to pagoPA is the worker's: an outage never loses or doubles a notice."""
    _require(by, ente.pk)
    _ente_locked(ente)
    now = now or timezone.now()
    esito = EsitoEmissione()
    pending = (
        Compartecipazione.objects.select_for_update(of=("self",))
        .filter(ente=ente, mese=mese, stato=SC.CALCOLATA, avviso__isnull=True)
        .select_related("ente", "tariffa", "assistito")
        .order_by("pk")
    )
    for comp in pending:
        problems = COMPARTECIPAZIONE.refusal(comp, "emetti")
        if problems:
            esito.esclusi.append(f"{comp.assistito}: {problems[0]}")
            continue
        _accoda(comp, by, now)
        esito.accodati += 1
    if esito.accodati and getattr(settings, "CSE_PAGOPA_INLINE", False):
        transaction.on_commit(_invia_dopo_commit)
    return esito


def _invia_dopo_commit() -> None:
    """Demo mode: deliver right after the commit (production runs the worker)."""
    try:
        avvisi_invia_in_coda(limite=50)
    except Exception:  # noqa: BLE001 — never break the request that queued: the notices stay in the queue
        logger.exception("emissione pagoPA in-process non riuscita")


@dataclass
class EsitoInvio:
    emessi: int = 0
    rinviati: int = 0
    in_errore: int = 0


def avvisi_invia_in_coda(*, limite: int = 100, now: datetime | None = None) -> EsitoInvio:
    """Deliver the queued notices that are due, each in its own transaction (rows locked, skipped by a parallel
    worker). An outage leaves the notice queued with its next attempt; the retry sends the same key and IUV."""
    now = now or timezone.now()
    esito = EsitoInvio()
    due = Avviso.objects.filter(stato=StatoInvio.IN_CODA, prossimo_tentativo_il__lte=now).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)[:limite]):
        _invia_uno(pk, now, esito)
    return esito


def posizione_di(avviso: Avviso) -> PosizioneDebitoria:
    comp = avviso.compartecipazione
    persona = comp.assistito
    return PosizioneDebitoria(
        chiave=avviso.chiave,
        progressivo=comp.pk,
        ente_codice_fiscale=avviso.ente_codice_fiscale,
        ente_denominazione=avviso.ente.nome,
        segregazione=avviso.segregazione,
        debitore_codice_fiscale=persona.codice_fiscale or persona.identificativo_temporaneo,
        debitore_nome=f"{persona.cognome} {persona.nome}",
        importo=avviso.importo,
        scadenza=avviso.scadenza,
        causale=avviso.causale,
        iban_accredito=getattr(settings, "CSE_PAGOPA_ENTI", {}).get(avviso.ente.codice, {}).get("iban", ""),
    )


def _invia_uno(pk: int, now: datetime, esito: EsitoInvio) -> None:
    with transaction.atomic():
        comp_id = Avviso.objects.filter(pk=pk).values_list("compartecipazione_id", flat=True).first()
        comp = Compartecipazione.objects.select_for_update(skip_locked=True).filter(pk=comp_id).first()
        avviso = (
            Avviso.objects.select_for_update(skip_locked=True)
            .select_related("ente", "compartecipazione__assistito")
            .filter(pk=pk, stato=StatoInvio.IN_CODA)
            .first()
        )
        if comp is None or avviso is None:  # another worker holds it, or it was issued or annulled meanwhile
            return
        ctx = CallContext(
            ente=avviso.ente, assistito_id=comp.assistito_id, motivo="avviso compartecipazione", luogo="coda pagoPA"
        )
        avviso.tentativi += 1
        try:
            emesso = pagopa().crea_posizione(posizione_di(avviso), ctx)
        except InteropError as exc:
            _fallito(avviso, exc, now)
            esito.rinviati += avviso.stato == StatoInvio.IN_CODA
            esito.in_errore += avviso.stato == StatoInvio.ERRORE
            return
        AVVISO.apply(avviso, "emetti", by=None)
        avviso.iuv, avviso.codice_avviso, avviso.emesso_il, avviso.ultimo_errore = (
            emesso.iuv,
            emesso.codice_avviso,
            now,
            "",
        )
        _save(avviso, None, f"emesso: {emesso.codice_avviso}")
        payload = {"iuv": emesso.iuv, "scadenza": avviso.scadenza.isoformat()}
        COMPARTECIPAZIONE.apply(comp, "emetti", by=None, payload=payload)
        _save(comp, None, "avviso pagoPA emesso")
        esito.emessi += 1


def _fallito(avviso: Avviso, exc: InteropError, now: datetime) -> None:
    """Unreachable or unreadable: retry later (the key makes it safe); refused: an operator must look."""
    retry = da_ritentare(exc, avviso.tentativi)
    avviso.ultimo_errore = f"{exc.code or type(exc).__name__}: {exc.message}"[:300]
    if retry:
        avviso.prossimo_tentativo_il = prossimo_tentativo(avviso.tentativi, now)
        _save(avviso, None, "pagoPA non disponibile: nuovo tentativo")
        return
    AVVISO.apply(avviso, "rifiuta", by=None)
    _save(avviso, None, "avviso rifiutato da pagoPA")
    logger.warning("pagoPA: avviso %s rifiutato (%s)", avviso.pk, exc.code)


@transaction.atomic
def riaccoda(*, avviso: Avviso, by) -> Avviso:
    """An operator, having fixed the cause, puts a refused notice back in the queue (same key, same IUV)."""
    avviso = Avviso.objects.select_for_update().get(pk=avviso.pk)
    AVVISO.apply(avviso, "riaccoda", by=by)
    avviso.prossimo_tentativo_il = timezone.now()
    _save(avviso, by, "rimesso in coda dall'operatore")
    return avviso


# --- reconciliation ---------------------------------------------------------------------------------------------------


@dataclass
class EsitoRiconciliazione:
    pagati: int = 0
    importo_diverso: int = 0
    sconosciute: int = 0
    ripetute: int = 0
    gia_registrate: int = 0


def riconcilia_pagamenti(*, ente: Ente, dal: date, by=None) -> EsitoRiconciliazione:
    """Read pagoPA's receipts since `dal` and match them by IUV to the ente's issued notices: a full payment closes the
    charge; a different amount is recorded and left open (the arrears show what remains); a receipt of no notice of
    ours is kept for the operator. A receipt read twice is recorded once. pagoPA unreachable: InteropError, nothing
    written (the next run reads the same receipts again)."""
    if by is not None:
        _require(by, ente.pk)
    cf, _ = creditore_di(ente)
    ricevute = pagopa().ricevute(cf, dal, CallContext(operatore=by, ente=ente, motivo="riconciliazione pagoPA"))
    with transaction.atomic():
        _ente_locked(ente)
        return _registra_ricevute(ente, ricevute, by)


def _registra_ricevute(ente: Ente, ricevute: list[Ricevuta], by) -> EsitoRiconciliazione:
    esito = EsitoRiconciliazione()
    note = set(Pagamento.objects.filter(ente=ente).values_list("id_ricevuta", flat=True))
    nuove = [r for r in ricevute if r.id_ricevuta not in note]
    esito.gia_registrate = len(ricevute) - len(nuove)
    avvisi = {
        a.iuv: a
        for a in Avviso.objects.select_for_update().filter(ente=ente, iuv__in={r.iuv for r in nuove}).exclude(iuv="")
    }
    attesi = {iuv: a.importo for iuv, a in avvisi.items() if a.stato == StatoInvio.EMESSO}
    abbinate = riconcilia(attesi, nuove)
    for iuv, ricevuta in abbinate.pagati.items():
        _pagato(avvisi[iuv], ricevuta, by)
        esito.pagati += 1
    for iuv, ricevuta in abbinate.importo_diverso.items():
        _registra(ente, avvisi[iuv], ricevuta, EsitoRicevuta.IMPORTO_DIVERSO)
        outbox_append(
            aggregate=avvisi[iuv].compartecipazione,
            event_type="compartecipazione.pagamento_parziale",
            payload={"iuv": iuv, "importo": str(ricevuta.importo)},
        )
        esito.importo_diverso += 1
    for ricevuta in [*abbinate.sconosciute, *abbinate.ripetute]:
        avviso = avvisi.get(ricevuta.iuv)
        _registra(ente, avviso, ricevuta, EsitoRicevuta.RIPETUTA if avviso else EsitoRicevuta.SCONOSCIUTA)
        esito.ripetute += avviso is not None
        esito.sconosciute += avviso is None
    return esito


def _registra(ente: Ente, avviso: Avviso | None, ricevuta: Ricevuta, esito: str) -> Pagamento:
    return Pagamento.objects.create(
        ente=ente,
        avviso=avviso,
        id_ricevuta=ricevuta.id_ricevuta,
        iuv=ricevuta.iuv,
        importo=ricevuta.importo,
        pagato_il=ricevuta.pagato_il,
        psp=ricevuta.psp[:200],
        esito=esito,
    )


def _pagato(avviso: Avviso, ricevuta: Ricevuta, by) -> None:
    _registra(avviso.ente, avviso, ricevuta, EsitoRicevuta.PAGATO)
    AVVISO.apply(avviso, "paga", by=None)
    avviso.pagato_il = ricevuta.pagato_il
    _save(avviso, by, f"pagato: ricevuta {ricevuta.id_ricevuta}")
    comp = _lock(avviso.compartecipazione)
    COMPARTECIPAZIONE.apply(comp, "paga", by=None, payload={"iuv": avviso.iuv})
    _save(comp, by, "pagamento riconciliato")


def riconcilia_aperti(*, oggi: date | None = None) -> list[tuple[Ente, EsitoRiconciliazione | None]]:
    """The worker's reconciliation: for every ente with issued unpaid notices, the receipts since the oldest of them
    was issued (None for an ente whose pagoPA did not answer: the next round reads the same receipts again)."""
    oggi = oggi or timezone.localdate()
    aperti = (
        Avviso.objects.filter(stato=StatoInvio.EMESSO)
        .values("ente_id")
        .annotate(dal=models.Min("emesso_il"))
        .order_by("ente_id")
    )
    esiti = []
    for row in aperti:
        ente = Ente.objects.get(pk=row["ente_id"])
        dal = timezone.localdate(row["dal"]) if row["dal"] else oggi
        try:
            esiti.append((ente, riconcilia_pagamenti(ente=ente, dal=dal)))
        except InteropError as exc:
            logger.warning("pagoPA: ricevute dell'ente %s non lette (%s)", ente.codice, exc.code)
            esiti.append((ente, None))
    return esiti
