"""Protocollo informatico: the port to the ente's protocol register and the queue that never loses a document.

Every document the product receives or sends on an administrative matter (an application to a bando, a provvedimento,
a letter) is registered in the ente's protocol (DPR 445/2000 artt. 53-55): number, date and the segnatura, whose XML
shape is the one of the AgID "Linee guida sulla formazione, gestione e conservazione dei documenti informatici" (2021),
allegato 6 "Comunicazione tra AOO di Documenti Amministrativi Protocollati" (root SegnaturaInformatica,
namespace http://www.agid.gov.it/protocollo/).

The domain never calls the protocol system inside a user's request: `protocollo_accoda` writes a RichiestaProtocollo
in the caller's transaction (the application and its request commit together), and the worker
`protocollo_registra_in_coda` (manage.py registra_protocollo --loop) registers it, passing the caller's key as the
idempotency key, so a retry after a lost answer gets the same number, never a second one. Once registered, the
callback named by the caller (`register_protocollo_callback`) runs in the same transaction as the registration: the
bandi domain marks its domanda protocollata there.

The queue rows are bookkeeping of a delivery, like the outbox: each step is on their history (simple-history); the
domain event (e.g. domanda protocollata) is the callback's, on the domain's own aggregate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .external import CallContext, InteropError
from .fsm import StateMachine, Transition
from .models import Ente, RichiestaProtocollo, StatoProtocollazione, VersoProtocollo
from .ports import adapter
from .retry import da_ritentare, prossimo_tentativo

logger = logging.getLogger(__name__)

# AgID allegato 6: CodiceAOO and CodiceRegistro are [A-Za-z0-9_.-]{1,16}
CODICE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,16}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
REGISTRO_PREDEFINITO = "PROT_GEN"


# --- the port --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentoDaProtocollare:
    """What the protocol register records for one document; `chiave` is the caller's idempotency key."""

    chiave: str
    verso: str  # VersoProtocollo
    oggetto: str
    corrispondente: str
    codice_amministrazione: str
    codice_aoo: str
    registro: str
    nome_file: str
    sha256: str  # hex


@dataclass(frozen=True)
class Segnatura:
    """The protocol registration of a document: number (progressive per AOO, register and year), date, codes, XML."""

    numero: int
    data: date
    codice_amministrazione: str
    codice_aoo: str
    registro: str
    xml: str = field(repr=False)

    @property
    def numero_registrazione(self) -> str:
        """NumeroRegistrazione as AgID writes it: at least seven digits, zero-padded."""
        return f"{self.numero:07d}"

    @property
    def etichetta(self) -> str:
        return f"{self.codice_aoo}-{self.registro} n. {self.numero_registrazione} del {self.data:%d/%m/%Y}"


class Protocollo(Protocol):
    """The ente's protocol system. `registra` is idempotent on `documento.chiave`: the same key always gets the
    registration it got the first time. Errors: cse.core.external (ServiceUnavailable, InvalidRequest, BadResponse)."""

    def registra(self, documento: DocumentoDaProtocollare, ctx: CallContext) -> Segnatura: ...

    def stato(self, chiave: str, ctx: CallContext) -> Segnatura | None:
        """The registration made for `chiave`, or None when the protocol has none."""
        ...


def protocollo() -> Protocollo:
    return cast(Protocollo, adapter("protocollo"))


def aoo_di(ente: Ente) -> tuple[str, str, str]:
    """(codice IPA dell'amministrazione, codice AOO, registro) of an ente: settings.CSE_PROTOCOLLO_AOO by ente code,
    else the demo's derivation (an Italian comune's IPA code is c_ + its Belfiore code)."""
    conf = getattr(settings, "CSE_PROTOCOLLO_AOO", {}).get(ente.codice, {})
    amministrazione = conf.get("amministrazione") or f"c_{ente.codice.lower()}"
    aoo = conf.get("aoo") or f"AOO_{ente.codice.upper()}"[:16]
    return amministrazione, aoo, conf.get("registro") or REGISTRO_PREDEFINITO


# --- callbacks -------------------------------------------------------------------------------------------------

ProtocolloCallback = Callable[[RichiestaProtocollo], None]
_callbacks: dict[str, ProtocolloCallback] = {}


def register_protocollo_callback(name: str, fn: ProtocolloCallback) -> None:
    """Called in an AppConfig.ready: `fn(richiesta)` runs once the request is registered, in the same transaction
    (an exception rolls the registration back; the retry gets the same number from the protocol)."""
    existing = _callbacks.get(name)
    if existing is not None and existing is not fn:
        raise ValueError(f"callback di protocollo «{name}» già registrata")
    _callbacks[name] = fn


def protocollo_callback(name: str) -> ProtocolloCallback:
    try:
        return _callbacks[name]
    except KeyError:
        raise LookupError(f"nessuna callback di protocollo registrata con il nome «{name}»") from None


# --- the queue -------------------------------------------------------------------------------------------------

RICHIESTA = StateMachine(
    "la richiesta di protocollazione",
    "stato",
    (
        Transition("registra", StatoProtocollazione.IN_CODA, StatoProtocollazione.REGISTRATA, "Protocolla"),
        Transition("rifiuta", StatoProtocollazione.IN_CODA, StatoProtocollazione.ERRORE, "Segna come non protocollata"),
        Transition("riaccoda", StatoProtocollazione.ERRORE, StatoProtocollazione.IN_CODA, "Rimetti in coda"),
    ),
    states=StatoProtocollazione,
)


def _check_input(*, chiave: str, verso: str, oggetto: str, corrispondente: str, nome_file: str, sha256: str) -> None:
    problems = []
    if not chiave.strip() or len(chiave) > 120:
        problems.append("La chiave della richiesta di protocollazione manca o supera i 120 caratteri.")
    if verso not in VersoProtocollo.values:
        problems.append("Il verso del documento deve essere «entrata» o «uscita».")
    if not oggetto.strip():
        problems.append("Indicare l'oggetto del documento da protocollare.")
    if not corrispondente.strip():
        problems.append("Indicare il mittente o il destinatario del documento da protocollare.")
    if not nome_file.strip():
        problems.append("Indicare il nome del file del documento da protocollare.")
    if not SHA256_RE.match(sha256):
        problems.append("L'impronta SHA-256 del documento non è valida (64 cifre esadecimali).")
    if problems:
        raise ValidationError(problems)


def protocollo_accoda(
    *,
    ente: Ente,
    chiave: str,
    verso: str,
    oggetto: str,
    corrispondente: str,
    nome_file: str,
    sha256: str,
    riferimento: str = "",
    callback: str = "",
) -> RichiestaProtocollo:
    """Queue a document for registration, inside the caller's transaction. The same `chiave` again returns the
    request already queued (no duplicate), unless it names another document: that is a caller's error."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("protocollo_accoda va chiamato dentro la transazione del chiamante")
    sha256 = sha256.lower()
    _check_input(
        chiave=chiave, verso=verso, oggetto=oggetto, corrispondente=corrispondente, nome_file=nome_file, sha256=sha256
    )
    if callback:
        protocollo_callback(callback)  # a typo must fail now, not in the worker after the number is taken
    amministrazione, aoo, registro = aoo_di(ente)
    richiesta, created = RichiestaProtocollo.objects.get_or_create(
        chiave=chiave,
        defaults={
            "ente": ente,
            "verso": verso,
            "oggetto": oggetto[:500],
            "corrispondente": corrispondente[:300],
            "nome_file": nome_file[:200],
            "sha256": sha256,
            "riferimento": riferimento,
            "callback": callback,
            "codice_amministrazione": amministrazione,
            "codice_aoo": aoo,
            "registro": registro,
        },
    )
    if not created and (richiesta.sha256 != sha256 or richiesta.ente_id != ente.pk):
        raise ValidationError(
            f"La chiave «{chiave}» è già stata usata per un altro documento: la protocollazione non è stata accodata."
        )
    if created and getattr(settings, "CSE_PROTOCOLLO_INLINE", False):
        transaction.on_commit(registra_dopo_commit)
    return richiesta


def registra_dopo_commit() -> None:
    """Demo mode: register right after the transaction that queued (production runs the worker)."""
    try:
        protocollo_registra_in_coda(limite=20)
    except Exception:  # noqa: BLE001 — never break the request that queued; the request stays in the queue
        logger.exception("protocollazione in-process non riuscita")


def documento_di(richiesta: RichiestaProtocollo) -> DocumentoDaProtocollare:
    return DocumentoDaProtocollare(
        chiave=richiesta.chiave,
        verso=richiesta.verso,
        oggetto=richiesta.oggetto,
        corrispondente=richiesta.corrispondente,
        codice_amministrazione=richiesta.codice_amministrazione,
        codice_aoo=richiesta.codice_aoo,
        registro=richiesta.registro,
        nome_file=richiesta.nome_file,
        sha256=richiesta.sha256,
    )


@dataclass
class EsitoCoda:
    registrate: int = 0
    rinviate: int = 0
    in_errore: int = 0
    numeri: list[str] = field(default_factory=list)


def protocollo_registra_in_coda(*, limite: int = 100, now: datetime | None = None) -> EsitoCoda:
    """Register the queued requests that are due, oldest first, each in its own transaction (row locked, skipped by
    a parallel worker). An outage leaves the request queued with its next attempt time; never raises for one."""
    now = now or timezone.now()
    esito = EsitoCoda()
    due = RichiestaProtocollo.objects.filter(stato=StatoProtocollazione.IN_CODA, prossimo_tentativo_il__lte=now)
    for pk in list(due.order_by("id").values_list("pk", flat=True)[:limite]):
        try:
            _registra_una(pk, now, esito)
        except Exception as exc:  # noqa: BLE001 — a callback's bug must not stop the queue: this one waits
            logger.exception("protocollo: richiesta %s, esito non applicato", pk)
            _rinvia_dopo_errore(pk, now, exc)
            esito.rinviate += 1
    return esito


def _rinvia_dopo_errore(pk: int, now: datetime, exc: Exception) -> None:
    """The registration was rolled back (the callback failed): count the attempt and retry later; the protocol keeps
    the number for the key, so the retry gets it again."""
    with transaction.atomic():
        richiesta = RichiestaProtocollo.objects.select_for_update().get(pk=pk)
        richiesta.tentativi += 1
        richiesta.prossimo_tentativo_il = prossimo_tentativo(richiesta.tentativi, now)
        richiesta.ultimo_errore = f"esito non applicato ({type(exc).__name__}): nuovo tentativo"[:300]
        richiesta._change_reason = "esito della protocollazione non applicato"
        richiesta.save()


def _registra_una(pk: int, now: datetime, esito: EsitoCoda) -> None:
    with transaction.atomic():
        richiesta = (
            RichiestaProtocollo.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, stato=StatoProtocollazione.IN_CODA)
            .first()
        )
        if richiesta is None:  # another worker holds it or already registered it
            return
        ctx = CallContext(ente=richiesta.ente, motivo=f"protocollo {richiesta.chiave}"[:60], luogo="coda protocollo")
        richiesta.tentativi += 1
        try:
            segnatura = protocollo().registra(documento_di(richiesta), ctx)
        except InteropError as exc:
            _fallito(richiesta, exc, now)
            esito.in_errore += richiesta.stato == StatoProtocollazione.ERRORE
            esito.rinviate += richiesta.stato == StatoProtocollazione.IN_CODA
            return
        _registrata(richiesta, segnatura, now)
        esito.registrate += 1
        esito.numeri.append(segnatura.etichetta)


def _registrata(richiesta: RichiestaProtocollo, segnatura: Segnatura, now: datetime) -> None:
    RICHIESTA.apply(richiesta, "registra", by=None)
    richiesta.numero, richiesta.data, richiesta.segnatura = segnatura.numero, segnatura.data, segnatura.xml
    richiesta.codice_amministrazione, richiesta.codice_aoo = segnatura.codice_amministrazione, segnatura.codice_aoo
    richiesta.registro, richiesta.registrata_il, richiesta.ultimo_errore = segnatura.registro, now, ""
    richiesta._change_reason = f"protocollata: {segnatura.etichetta}"
    richiesta.save()
    if richiesta.callback:
        protocollo_callback(richiesta.callback)(richiesta)


def _fallito(richiesta: RichiestaProtocollo, exc: InteropError, now: datetime) -> None:
    """Unreachable or unreadable: retry later (the key makes it safe); refused: an operator must look."""
    retry = da_ritentare(exc, richiesta.tentativi)
    richiesta.ultimo_errore = f"{exc.code or type(exc).__name__}: {exc.message}"[:300]
    if retry:
        richiesta.prossimo_tentativo_il = prossimo_tentativo(richiesta.tentativi, now)
        richiesta._change_reason = "protocollo non disponibile: nuovo tentativo"
    else:
        RICHIESTA.apply(richiesta, "rifiuta", by=None)
        richiesta._change_reason = "protocollazione rifiutata"
        logger.warning("protocollo: richiesta %s non protocollata (%s)", richiesta.pk, exc.code)
    richiesta.save()


def protocollo_riaccoda(richiesta: RichiestaProtocollo, *, by) -> RichiestaProtocollo:
    """An operator, having fixed the cause, puts a refused request back in the queue (same key: same number if the
    protocol had registered it after all)."""
    with transaction.atomic():
        richiesta = RichiestaProtocollo.objects.select_for_update().get(pk=richiesta.pk)
        RICHIESTA.apply(richiesta, "riaccoda", by=by)
        richiesta.prossimo_tentativo_il = timezone.now()
        richiesta._history_user = by
        richiesta._change_reason = "rimessa in coda dall'operatore"
        richiesta.save()
    return richiesta
