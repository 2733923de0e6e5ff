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
from cse.core.pagamenti import PosizioneDebitoria, Ricevuta, StatoAvviso, creditore_di, pagopa, riconcilia
from cse.core.permissions import has_capability
from cse.core.retry import da_ritentare, prossimo_tentativo
from cse.core.roles import Capability

from . import calcolo
from .glossary import (
    UNITA_PRESTAZIONE,
    EsitoRicevuta,
    MotivoRimborso,
    StatoCompartecipazione,
    StatoInvio,
    StatoRimborso,
    UnitaTariffa,
)
from .models import Avviso, Compartecipazione, FasciaIsee, Pagamento, Rimborso, Tariffa
from .workflow import AVVISO, COMPARTECIPAZIONE, REFUSE_FOREIGN

logger = logging.getLogger(__name__)
SC = StatoCompartecipazione


def require_manager(user, ente_id: int) -> None:
    if not has_capability(user, Capability.MANAGE_COMPARTECIPAZIONE, ente_id):
        raise ValidationError(REFUSE_FOREIGN)


def save_with_reason(obj: models.Model, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save()


def lock_charge(comp: Compartecipazione) -> Compartecipazione:
    return Compartecipazione.objects.select_for_update().select_related("ente").get(pk=comp.pk)


def _ente_locked(ente: Ente) -> Ente:
    """Serialise the writes of one ente's compartecipazione (two monthly runs at once wait for each other)."""
    return Ente.objects.select_for_update().get(pk=ente.pk)


# --- tariffa ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def tariffa_crea(*, ente: Ente, voce: VoceNomenclatore, fasce: list[dict], by, **fields: Any) -> Tariffa:
    """A tariff, or its next version from `valida_dal` (the earlier versions stay as they were: they priced their
    months). `fasce`: dicts of isee_da, isee_a (None for the last), tipo, valore — contiguous from 0.00 €."""
    require_manager(by, ente.pk)
    _ente_locked(ente)
    precedente = Tariffa.objects.filter(ente=ente, voce=voce).order_by("-versione").first()
    tariffa = Tariffa(ente=ente, voce=voce, creata_da=by, **fields)
    if precedente is not None:
        tariffa.versione, tariffa.sostituisce = precedente.versione + 1, precedente
    _check_tariffa(tariffa, precedente, fasce)
    save_with_reason(tariffa, by, f"tariffa v{tariffa.versione}")
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
    save_with_reason(comp, by, "compartecipazione calcolata" if sostituisce is None else "ricalcolo dopo annullamento")
    payload = {"mese": f"{mese:%Y-%m}", "importo": str(comp.importo)}
    outbox_append(aggregate=comp, event_type="compartecipazione.calcolata", payload=payload)
    return comp


@transaction.atomic
def calcola_compartecipazioni(*, ente: Ente, mese: date, by) -> EsitoCalcolo:
    """The month's charges of every person served under a tariff of the ente. Running it again computes only who is
    still missing (the active charge of a person, service and month is unique): it never duplicates."""
    require_manager(by, ente.pk)
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


@transaction.atomic
def annulla(*, comp: Compartecipazione, motivo: str, by) -> Compartecipazione:
    """An annulment is an act with its reason: the row stays, marked annullata. Its notice is annulled too — on pagoPA
    by the worker when it may exist there — and what was already paid becomes a refund to dispose."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": ["Indicare il motivo dell'annullamento (l'atto che lo dispone)."]})
    comp = lock_charge(comp)
    COMPARTECIPAZIONE.apply(comp, "annulla", by=by, payload={"motivo": motivo[:200]})
    comp.motivo_annullamento, comp.annullata_da, comp.annullata_il = motivo, by, timezone.now()
    save_with_reason(comp, by, f"annullata: {motivo}")
    avviso = Avviso.objects.select_for_update().filter(compartecipazione=comp).first()
    if avviso is not None:
        _annulla_avviso(avviso, by, motivo)
    rimborso_per_annullamento(comp)
    return comp


def _annulla_avviso(avviso: Avviso, by, motivo: str) -> None:
    if not AVVISO.refusal(avviso, "annulla"):  # never reached pagoPA: nothing to annul there
        AVVISO.apply(avviso, "annulla", by=by)
        save_with_reason(avviso, by, f"annullato con la compartecipazione: {motivo}")
    elif not AVVISO.refusal(avviso, "chiedi_annullamento"):
        AVVISO.apply(avviso, "chiedi_annullamento", by=by)
        avviso.tentativi, avviso.prossimo_tentativo_il = 0, timezone.now()
        save_with_reason(avviso, by, f"da annullare su pagoPA: {motivo}")
        if getattr(settings, "CSE_PAGOPA_INLINE", False):
            transaction.on_commit(_invia_dopo_commit)


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


def accoda_avviso(comp: Compartecipazione, by, now: datetime) -> Avviso:
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
    save_with_reason(avviso, by, "avviso in coda per pagoPA")
    outbox_append(aggregate=comp, event_type="compartecipazione.avviso_accodato", payload={"chiave": avviso.chiave})
    return avviso


@transaction.atomic
def emetti_avvisi(*, ente: Ente, mese: date, by, now: datetime | None = None) -> EsitoEmissione:
    """Queue the notice of every charge of the month that can be issued; a charge to check or of zero is left out
    (with why). The delivery to pagoPA is the worker's: an outage never loses or doubles a notice."""
    require_manager(by, ente.pk)
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
        accoda_avviso(comp, by, now)
        esito.accodati += 1
    if esito.accodati and getattr(settings, "CSE_PAGOPA_INLINE", False):
        transaction.on_commit(_invia_dopo_commit)
    return esito


def _invia_dopo_commit() -> None:
    """Demo mode: deliver right after the commit (production runs the worker)."""
    try:
        avvisi_invia_in_coda(limite=50)
        avvisi_annulla_in_coda(limite=50)
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


def avvisi_annulla_in_coda(*, limite: int = 100, now: datetime | None = None) -> EsitoInvio:
    """Annul on pagoPA the notices of annulled charges, each in its own transaction; an outage retries later. A notice
    paid before pagoPA annulled it stays paid: its receipt becomes a refund at reconciliation."""
    now = now or timezone.now()
    esito = EsitoInvio()
    due = Avviso.objects.filter(stato=StatoInvio.DA_ANNULLARE, prossimo_tentativo_il__lte=now).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)[:limite]):
        _annulla_uno(pk, now, esito)
    return esito


def _annulla_uno(pk: int, now: datetime, esito: EsitoInvio) -> None:
    with transaction.atomic():
        avviso = (
            Avviso.objects.select_for_update(skip_locked=True)
            .select_related("ente", "compartecipazione")
            .filter(pk=pk, stato=StatoInvio.DA_ANNULLARE)
            .first()
        )
        if avviso is None:
            return
        comp = lock_charge(avviso.compartecipazione)
        ctx = CallContext(ente=avviso.ente, assistito_id=comp.assistito_id, motivo="annullamento avviso", luogo="coda")
        avviso.tentativi += 1
        try:
            stato = pagopa().annulla_posizione(avviso.ente_codice_fiscale, avviso.chiave, ctx)
        except InteropError as exc:
            _annullamento_rinviato(avviso, exc, now)
            esito.rinviati += 1
            return
        if stato in (StatoAvviso.ANNULLATO, StatoAvviso.PAGATO):
            _annullamento_concluso(avviso, comp, stato)
            esito.emessi += 1
        else:  # pagoPA still shows it payable: try again
            _annullamento_rinviato(avviso, InteropError("La posizione risulta ancora pagabile.", code="stato"), now)
            esito.rinviati += 1


def _annullamento_concluso(avviso: Avviso, comp: Compartecipazione, stato: str) -> None:
    if stato == StatoAvviso.PAGATO:  # the receipt will arrive at reconciliation and become a refund
        AVVISO.apply(avviso, "pagato_prima", by=None)
        save_with_reason(avviso, None, "pagato prima dell'annullamento su pagoPA: il versato sarà rimborsato")
        return
    AVVISO.apply(avviso, "conferma_annullamento", by=None)
    avviso.ultimo_errore = ""
    save_with_reason(avviso, None, "annullato su pagoPA")
    outbox_append(aggregate=comp, event_type="compartecipazione.avviso_annullato", payload={"iuv": avviso.iuv})


def _annullamento_rinviato(avviso: Avviso, exc: InteropError, now: datetime) -> None:
    """Any failure is retried (an annulment is never abandoned: a payable notice of an annulled charge would stay)."""
    avviso.ultimo_errore = f"{exc.code or type(exc).__name__}: {exc.message}"[:300]
    avviso.prossimo_tentativo_il = prossimo_tentativo(avviso.tentativi, now)
    save_with_reason(avviso, None, "annullamento su pagoPA non riuscito: nuovo tentativo")


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
        save_with_reason(avviso, None, f"emesso: {emesso.codice_avviso}")
        payload = {"iuv": emesso.iuv, "scadenza": avviso.scadenza.isoformat()}
        COMPARTECIPAZIONE.apply(comp, "emetti", by=None, payload=payload)
        save_with_reason(comp, None, "avviso pagoPA emesso")
        esito.emessi += 1


def _fallito(avviso: Avviso, exc: InteropError, now: datetime) -> None:
    """Unreachable or unreadable: retry later (the key makes it safe); refused: an operator must look."""
    retry = da_ritentare(exc, avviso.tentativi)
    avviso.ultimo_errore = f"{exc.code or type(exc).__name__}: {exc.message}"[:300]
    if retry:
        avviso.prossimo_tentativo_il = prossimo_tentativo(avviso.tentativi, now)
        save_with_reason(avviso, None, "pagoPA non disponibile: nuovo tentativo")
        return
    AVVISO.apply(avviso, "rifiuta", by=None)
    save_with_reason(avviso, None, "avviso rifiutato da pagoPA")
    logger.warning("pagoPA: avviso %s rifiutato (%s)", avviso.pk, exc.code)


@transaction.atomic
def riaccoda(*, avviso: Avviso, by) -> Avviso:
    """An operator, having fixed the cause, puts a refused notice back in the queue (same key, same IUV)."""
    avviso = Avviso.objects.select_for_update().get(pk=avviso.pk)
    AVVISO.apply(avviso, "riaccoda", by=by)
    avviso.prossimo_tentativo_il = timezone.now()
    save_with_reason(avviso, by, "rimesso in coda dall'operatore")
    return avviso


# --- money owed back, and what remains to collect ---------------------------------------------------------------------

ZERO = Decimal("0.00")
VERSAMENTI = (EsitoRicevuta.PAGATO, EsitoRicevuta.IMPORTO_DIVERSO)


def versato(comp: Compartecipazione) -> Decimal:
    """What the person paid on the charge's notice, less what is already owed back as an excess."""
    paid = Pagamento.objects.filter(avviso__compartecipazione=comp, esito__in=VERSAMENTI).aggregate(t=Sum("importo"))
    excess = comp.rimborsi.filter(motivo=MotivoRimborso.ECCEDENZA).exclude(stato=StatoRimborso.NON_DOVUTO)
    return (paid["t"] or ZERO) - (excess.aggregate(t=Sum("importo"))["t"] or ZERO)


def residuo(comp: Compartecipazione) -> Decimal:
    """What remains to collect on a charge paid in part (zero otherwise)."""
    if comp.stato != StatoCompartecipazione.PAGATA_IN_PARTE:
        return ZERO
    return max(comp.importo - versato(comp), ZERO)


def rimborso_dovuto(comp: Compartecipazione, importo: Decimal, motivo: str, pagamento: Pagamento | None) -> Rimborso:
    """Record what the ente owes back, in the caller's transaction (the charge is locked by the caller)."""
    rimborso = Rimborso(
        ente_id=comp.ente_id, compartecipazione=comp, pagamento=pagamento, importo=importo, motivo=motivo
    )
    save_with_reason(rimborso, None, f"rimborso dovuto: {rimborso.get_motivo_display().lower()}")
    payload = {"motivo": motivo, "importo": str(importo)}
    outbox_append(aggregate=comp, event_type="compartecipazione.rimborso_dovuto", payload=payload)
    return rimborso


def rimborso_per_annullamento(comp: Compartecipazione) -> Rimborso | None:
    """An annulled charge that had been paid gives back what was paid (once: a database constraint)."""
    somma = versato(comp)
    if somma <= 0:
        return None
    return rimborso_dovuto(comp, somma, MotivoRimborso.ANNULLAMENTO, None)


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
        require_manager(by, ente.pk)
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
        _, comp = _pagato(avvisi[iuv], ricevuta, by, EsitoRicevuta.PAGATO)
        COMPARTECIPAZIONE.apply(comp, "paga", by=None, payload={"iuv": iuv})
        save_with_reason(comp, by, "pagamento riconciliato")
        esito.pagati += 1
    for iuv, ricevuta in abbinate.importo_diverso.items():
        _importo_diverso(avvisi[iuv], ricevuta, by)
        esito.importo_diverso += 1
    for ricevuta in [*abbinate.sconosciute, *abbinate.ripetute]:
        avviso = avvisi.get(ricevuta.iuv)
        if avviso is None:
            _registra(ente, None, ricevuta, EsitoRicevuta.SCONOSCIUTA)
            esito.sconosciute += 1
        else:
            _non_attesa(avviso, ricevuta)
            esito.ripetute += 1
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


def _pagato(avviso: Avviso, ricevuta: Ricevuta, by, esito: str) -> tuple[Pagamento, Compartecipazione]:
    pagamento = _registra(avviso.ente, avviso, ricevuta, esito)
    AVVISO.apply(avviso, "paga", by=None)
    avviso.pagato_il = ricevuta.pagato_il
    save_with_reason(avviso, by, f"pagato: ricevuta {ricevuta.id_ricevuta}")
    comp = lock_charge(avviso.compartecipazione)
    return pagamento, comp


def _importo_diverso(avviso: Avviso, ricevuta: Ricevuta, by) -> None:
    """pagoPA took a different amount (a PSP's anomaly, a payment by other channels reported on the IUV): more closes
    the charge and the excess is refunded; less leaves the residual to collect with a notice of its own."""
    pagamento, comp = _pagato(avviso, ricevuta, by, EsitoRicevuta.IMPORTO_DIVERSO)
    if ricevuta.importo > avviso.importo:
        COMPARTECIPAZIONE.apply(comp, "paga", by=None, payload={"iuv": avviso.iuv})
        save_with_reason(comp, by, f"pagamento riconciliato, versati {ricevuta.importo} € su {avviso.importo} €")
        rimborso_dovuto(comp, ricevuta.importo - avviso.importo, MotivoRimborso.ECCEDENZA, pagamento)
        return
    residuo = avviso.importo - ricevuta.importo
    payload = {"iuv": avviso.iuv, "versato": str(ricevuta.importo), "residuo": str(residuo)}
    COMPARTECIPAZIONE.apply(comp, "paga_in_parte", by=None, payload=payload)
    save_with_reason(comp, by, f"pagata in parte: versati {ricevuta.importo} €, residuo {residuo} €")


def _non_attesa(avviso: Avviso, ricevuta: Ricevuta) -> None:
    """A receipt on a notice not awaiting payment: of an annulled charge, or a second payment. Both are refunded."""
    comp = lock_charge(avviso.compartecipazione)
    if comp.stato == SC.ANNULLATA:
        pagamento = _registra(avviso.ente, avviso, ricevuta, EsitoRicevuta.SU_ANNULLATO)
        rimborso_dovuto(comp, ricevuta.importo, MotivoRimborso.AVVISO_ANNULLATO, pagamento)
    else:
        pagamento = _registra(avviso.ente, avviso, ricevuta, EsitoRicevuta.RIPETUTA)
        rimborso_dovuto(comp, ricevuta.importo, MotivoRimborso.DOPPIO, pagamento)


def riconcilia_aperti(*, oggi: date | None = None) -> list[tuple[Ente, EsitoRiconciliazione | None]]:
    """The worker's reconciliation: for every ente with issued unpaid notices, the receipts since the oldest of them
    was issued (None for an ente whose pagoPA did not answer: the next round reads the same receipts again)."""
    oggi = oggi or timezone.localdate()
    # issued notices, and those whose annulment met a payment (its receipt becomes a refund)
    attesa = Q(stato__in=(StatoInvio.EMESSO, StatoInvio.DA_ANNULLARE)) | Q(stato=StatoInvio.PAGATO, pagamenti=None)
    aperti = Avviso.objects.filter(attesa).values("ente_id").annotate(dal=models.Min("emesso_il")).order_by("ente_id")
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
