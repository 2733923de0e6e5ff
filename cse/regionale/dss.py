"""Export of the regional tier's de-identified events to the regional Decision Support System (DSS), in batches.

What leaves: only the stored EventoRegionale payloads, which passed the allow-list schema of cse/core/event_schema.py
at ingestion (pseudonyms, codes, dates, amounts — no names, codice fiscale, addresses or free text) and are checked
against it again here. Each batch takes the oldest events not yet in any batch and marks them with it
(EventoRegionale.lotto_dss), in the same transaction that creates it: a batch that failed is resent with the same
events and the same id (derived from its first and last event id), and the DSS acknowledges it once (contract
docs/interop/dss.md).

Why marks and not "the events after the last id sent": ids are assigned when a row is inserted, not when its
transaction commits. With concurrent ingestions an event with a lower id can become visible after a batch with
higher ids was already sent; "after the last id" would skip it forever, an unmarked event is simply in the next
batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cse.core.event_schema import EventSchemaError, validate_event
from cse.core.external import CallContext, InteropError, ServiceUnavailable
from cse.core.fsm import StateMachine, Transition
from interop.regionali import client as regionali

from .models import EventoRegionale, LottoDss, StatoLotto

DB = "regionale"
DIMENSIONE_LOTTO = 500


def id_lotto_for(primo: int, ultimo: int) -> str:
    return f"CSE-DSS-{primo:010d}-{ultimo:010d}"


@dataclass
class EsitoInvio:
    inviati: list[str] = field(default_factory=list)
    eventi: int = 0
    errore: str = ""

    @property
    def messaggio(self) -> str:
        if not self.inviati and not self.errore:
            return "Nessun nuovo evento da inviare al DSS."
        done = f"Lotti ricevuti dal DSS: {len(self.inviati)} ({self.eventi} eventi)."
        return f"{done} {self.errore}".strip() if self.errore else done


def eventi_del_lotto(lotto: LottoDss) -> list[dict]:
    """The events of a batch as sent: the allow-listed payload, re-checked, with the contract's short fields.

    The events marked with the batch, found within its id range (the primary key bounds the scan: no index on the
    mark is needed for the 10M+ events already sent)."""
    rows = (
        EventoRegionale.objects.using(DB)
        .filter(pk__gte=lotto.primo_evento, pk__lte=lotto.ultimo_evento, lotto_dss=lotto)
        .order_by("pk")
        .values_list("event_type", "soggetto", "payload")
    )
    eventi = []
    for event_type, soggetto, payload in rows:
        validate_event(payload)  # raises on anything outside the allow-list: nothing is sent
        eventi.append({"tipo": event_type, "pseudonimo": soggetto, "evento": payload})
    return eventi


def _in_attesa():
    """Batches created but not yet received by the DSS (to send, or to resend as they are)."""
    return LottoDss.objects.using(DB).exclude(stato__in=[StatoLotto.INVIATO, StatoLotto.RIFIUTATO])


def eventi_da_inviare() -> int:
    """Events the DSS has not received yet: those in no batch, plus those of the batches still to (re)send."""
    fuori_lotto = EventoRegionale.objects.using(DB).filter(lotto_dss__isnull=True).count()
    return fuori_lotto + (_in_attesa().aggregate(n=Sum("n_eventi"))["n"] or 0)


def _prossimo_lotto(dimensione: int) -> LottoDss | None:
    """The oldest batch not yet received (resent as it was), else a new one of the oldest events in no batch."""
    pending = _in_attesa().order_by("pk").first()
    if pending is not None:
        return pending
    with transaction.atomic(using=DB):
        # the row locks make a concurrent export wait, then skip the events this one marked (PostgreSQL re-checks
        # `lotto_dss IS NULL` on the locked rows): no event can end up in two batches
        ids = list(
            EventoRegionale.objects.using(DB)
            .select_for_update()
            .filter(lotto_dss__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:dimensione]
        )
        if not ids:
            return None
        lotto = LottoDss.objects.using(DB).create(
            id_lotto=id_lotto_for(ids[0], ids[-1]), primo_evento=ids[0], ultimo_evento=ids[-1], n_eventi=len(ids)
        )
        marked = EventoRegionale.objects.using(DB).filter(pk__in=ids, lotto_dss__isnull=True).update(lotto_dss=lotto)
        if marked != len(ids):  # another export marked some of them meanwhile (no row locks): create nothing
            raise RuntimeError(f"Lotto DSS {lotto.id_lotto}: {len(ids) - marked} eventi già in un altro lotto.")
        return lotto


_PENDING = (StatoLotto.DA_INVIARE, StatoLotto.NON_INVIATO)

# A batch's delivery: pending until the DSS receives or refuses it; an unreachable DSS leaves it pending (resent as is).
LOTTO = StateMachine(
    "il lotto DSS",
    "stato",
    (
        Transition("ricevuto", _PENDING, StatoLotto.INVIATO, "Ricevuto dal DSS"),
        Transition("non_raggiungibile", _PENDING, StatoLotto.NON_INVIATO, "DSS non raggiungibile"),
        Transition("rifiutato", _PENDING, StatoLotto.RIFIUTATO, "Rifiutato"),
    ),
    states=StatoLotto,
)


def _record(lotto: LottoDss, step: str, **fields) -> None:
    """One delivery attempt: the LOTTO step, counted, in its own transaction."""
    LOTTO.apply(lotto, step, by=fields.get("operatore"))
    with transaction.atomic(using=DB):
        LottoDss.objects.using(DB).filter(pk=lotto.pk).update(
            tentativi=lotto.tentativi + 1, ultimo_tentativo_il=timezone.now(), stato=lotto.stato, **fields
        )


def dss_export(*, ente, operatore, max_lotti: int | None = None, dimensione: int = DIMENSIONE_LOTTO) -> EsitoInvio:
    """Send the batches not yet received by the DSS, oldest first; stops at the first failure (kept for a retry).

    `ente` is the regional ente whose PDND client calls the DSS; `operatore` the analyst (or None for the command).
    A batch refused by the DSS is recorded as refused (shown to the analysts) and not resent: its events keep their
    mark, the next export continues with the events in no batch.
    """
    esito = EsitoInvio()
    ctx = CallContext(operatore=operatore, ente=ente, motivo="export DSS", luogo=getattr(ente, "nome", ""))
    username = getattr(operatore, "username", "") or "sistema"
    while max_lotti is None or len(esito.inviati) < max_lotti:
        lotto = _prossimo_lotto(dimensione)
        if lotto is None:
            break
        try:
            eventi = eventi_del_lotto(lotto)
        except EventSchemaError:
            # never sent: a stored event outside the allow-list is a defect of the regional tier, not of the DSS
            _record(
                lotto,
                "rifiutato",
                esito="Lotto non inviato: contiene un evento fuori dallo schema consentito (nessun dato è partito).",
                codice_errore="evento_non_conforme",
                operatore=username,
            )
            esito.errore = f"Lotto {lotto.id_lotto} non inviato: contiene un evento fuori dallo schema consentito."
            break
        try:
            risposta = regionali.dss_invia_lotto(lotto.id_lotto, eventi, ctx)
        except ServiceUnavailable as exc:
            failed = {"esito": exc.message[:300], "codice_errore": exc.code, "operatore": username}
            _record(lotto, "non_raggiungibile", **failed)
            reason = exc.message.split(". ")[0]
            esito.errore = f"Lotto {lotto.id_lotto} non inviato: {reason}. Si può ritentare più tardi."
            break
        except InteropError as exc:
            failed = {"esito": exc.message[:300], "codice_errore": exc.code, "operatore": username}
            _record(lotto, "rifiutato", **failed)
            esito.errore = f"Lotto {lotto.id_lotto} rifiutato dal DSS: {exc.message}"
            break
        ricevuti = int(risposta.get("ricevuti") or 0) if isinstance(risposta, dict) else 0
        _record(
            lotto,
            "ricevuto",
            ricevuti=ricevuti,
            esito=f"ricevuti {ricevuti} eventi su {lotto.n_eventi}",
            codice_errore="",
            inviato_il=timezone.now(),
            operatore=username,
        )
        esito.inviati.append(lotto.id_lotto)
        esito.eventi += lotto.n_eventi
    return esito
