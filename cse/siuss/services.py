"""SIUSS services: prepare flows from valid prestazioni, expose them to INPS, record esiti, correct (C + reinsert).

Each state change of a flow is a named step of the FLUSSO state machine (cse.core.fsm), saved with its history row
and an outbox event on the case, in one transaction. Periodic prestazioni are reported per calendar quarter once the
quarter (or the prestazione) is over: at least quarterly, as FAQ 2.10 asks, with start and end dates in the same year
as the XSD annotations require."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cse.bandi.liquidazione.selectors import contributi_siuss
from cse.cartella.erogatore import ente_erogatore_default
from cse.cartella.fasi import Prestazione
from cse.cartella.rete import Isee
from cse.core.codelists.nomenclatore import Carattere
from cse.core.fsm import StateMachine, Transition
from cse.core.outbox import outbox_append, outbox_append_many

from .builders import Window, cancellation_xml, ps_element, serialise, sinba_element
from .glossary import ID_FLUSSO_TIPO, CodiceEsito, PresenzaProvaMezzi, StatoFlusso, TipoFlusso, TipoOperazione
from .models import ContatoreFlussi, EserviceWaas, EsitoRicevuto, Flusso, VerificaSiuss
from .preflight import ente_problems, is_minor, prestazione_problems
from .xsd import tree_errors, xsd_errors

S = StatoFlusso


def _refused(flusso: Flusso, target: str) -> list[str]:
    return [f"Il flusso {flusso.id_flusso} è «{S(flusso.stato).label}»: non può diventare «{S(target).label}»."]


# Every state change of a flow: named, with the outbox event that carries the flow's new state to the case.
FLUSSO = StateMachine(
    "il flusso SIUSS",
    "stato",
    (
        Transition("esponi", S.PRONTO, S.ESPOSTO, "Esponi a INPS", event="siuss.flusso_esposto"),
        Transition(
            "acquisisci", (S.ESPOSTO, S.ERRORE), S.ACQUISITO, "Acquisito da SIUSS", event="siuss.flusso_acquisito"
        ),
        Transition("respingi", S.ESPOSTO, S.ERRORE, "Respinto da SIUSS", event="siuss.flusso_errore"),
        Transition(
            "chiedi_correzione",
            S.ACQUISITO,
            S.DA_CORREGGERE,
            "Correggi (cancellazione)",
            event="siuss.flusso_da_correggere",
        ),
        Transition(
            "annulla",
            (S.PRONTO, S.ERRORE, S.ACQUISITO, S.DA_CORREGGERE),
            S.ANNULLATO,
            "Annulla o sostituisci",
            event="siuss.flusso_annullato",
        ),
    ),
    states=S,
    illegal=lambda flusso, transition: _refused(flusso, transition.target),
)


def _payload(flusso: Flusso) -> dict:
    return {
        "prestazione": flusso.prestazione_id,
        "ente_erogatore": flusso.ente.codice,
        "codice": flusso.prestazione.voce.codice,
        "tipo": flusso.tipo,
        "operazione": flusso.tipo_operazione,
    }


def _created(flusso: Flusso) -> None:
    """A new flow is born «pronto»: no transition leads there, the event says so."""
    outbox_append(aggregate=flusso.cartella, event_type="siuss.flusso_pronto", payload=_payload(flusso))


def flusso_move(flusso: Flusso, stato: str, *, reason: str) -> Flusso:
    """The one place a flow changes state: the FLUSSO step that leads to `stato`, refused if there is none."""
    transition = FLUSSO.find(flusso.stato, stato)
    if transition is None:
        raise ValidationError(_refused(flusso, stato))
    FLUSSO.apply(flusso, transition.name, by=None, payload=_payload(flusso), aggregate=flusso.cartella)
    flusso._change_reason = reason[:100]
    flusso.save()
    return flusso


def flussi_move_many(flows: list[Flusso], stato: str, *, reason: str, fields: list[str]) -> None:
    """`flusso_move` for a batch in one state: one step for all, the rows (`stato` and `fields`), their history rows
    and their events in bulk. Refused as a whole if the step is not legal from the state of any of them."""
    events: dict[str, list[tuple[int, dict]]] = {}
    for flusso in flows:
        transition = FLUSSO.find(flusso.stato, stato)
        if transition is None:
            raise ValidationError(_refused(flusso, stato))
        flusso.stato = transition.target
        events.setdefault(transition.event, []).append((flusso.cartella_id, _payload(flusso)))
    if not flows:
        return
    _update_rows(flows, ["stato", *fields])
    Flusso.history.bulk_history_create(flows, update=True, default_change_reason=reason[:100])
    cartella_model = Flusso._meta.get_field("cartella").related_model
    for event_type, items in events.items():
        outbox_append_many(model=cartella_model, event_type=event_type, items=items)


def _update_rows(flows: list[Flusso], fields: list[str]) -> None:
    """Save `fields` of many flows: one prepared UPDATE run by executemany. `bulk_update` builds a CASE per field
    and row, which costs more in Python than the writes themselves for hundreds of rows."""
    qn = connection.ops.quote_name
    columns = [Flusso._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{qn(c.column)} = %s" for c in columns)
    sql = f"UPDATE {qn(Flusso._meta.db_table)} SET {assignments} WHERE {qn(Flusso._meta.pk.column)} = %s"  # noqa: S608 - names from the model
    rows = [[c.get_db_prep_save(getattr(f, c.attname), connection) for c in columns] + [f.pk] for f in flows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# --- windows and names ------------------------------------------------------------------------------------------


def _quarter_of(d: date) -> tuple[date, date]:
    first_month = (d.month - 1) // 3 * 3 + 1
    start = date(d.year, first_month, 1)
    end = date(d.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1) - timedelta(days=1)
    return start, end


def due_windows(prestazione: Prestazione, today: date) -> list[Window]:
    """What is due for transmission today: occasional ones once erogated; periodic ones per completed quarter."""
    if prestazione.data_inizio > today:
        return []
    if prestazione.carattere != Carattere.PERIODICA:
        return [Window("", prestazione.data_inizio, prestazione.data_fine)]
    windows = []
    cursor = prestazione.data_inizio
    last = min(prestazione.data_fine or today, today)
    while cursor <= last:
        q_start, q_end = _quarter_of(cursor)
        end = min(q_end, prestazione.data_fine) if prestazione.data_fine else q_end
        if end < today or (prestazione.data_fine is not None and end == prestazione.data_fine and end <= today):
            windows.append(Window(f"{q_start.year}Q{(q_start.month - 1) // 3 + 1}", max(cursor, q_start), end))
        cursor = q_end + timedelta(days=1)
    return windows


def next_id_flusso(eservice: EserviceWaas, tipo: str, on: date) -> str:
    """EEEE.TIPO.AAAAMMGG.NNNNNNN with a per-ente daily progressive (api-comuni.yaml id_flusso)."""
    return reserve_id_flussi(eservice, [tipo], on)[0]


def reserve_id_flussi(eservice: EserviceWaas, tipi: list[str], on: date) -> list[str]:
    """The names of a batch of flows, in order: one locked counter row moved once by len(tipi), so a batch numbers
    its flows exactly as one call per flow would, in two or three queries instead of three per flow."""
    if not tipi:
        return []
    counter, _ = ContatoreFlussi.objects.select_for_update().get_or_create(ente_id=eservice.ente_id, giorno=on)
    first = counter.ultimo + 1
    counter.ultimo += len(tipi)
    counter.save(update_fields=["ultimo"])
    return [f"{eservice.codice_siuss}.{ID_FLUSSO_TIPO[t]}.{on:%Y%m%d}.{n:07d}" for n, t in enumerate(tipi, first)]


# --- prepare ----------------------------------------------------------------------------------------------------


@dataclass
class PrepareResult:
    created: list[Flusso] = field(default_factory=list)
    with_problems: int = 0
    checked: int = 0


def _prestazioni_qs():
    """What the check and the builders read, in one query per batch (plus one for the ISEE attestations)."""
    return Prestazione.objects.select_related(
        "voce",
        "dati_siuss",
        "cartella__progetto",
        "cartella__valutazione_sina",
        "cartella__scheda_sinba",
        "cartella__assistito__comune_residenza__regione",
    ).prefetch_related(Prefetch("cartella__assistito__isee", queryset=Isee.objects.order_by()))


def contributi_dati_siuss(*, ente) -> int:
    """A contributo paid by a bando's liquidazione carries its SIUSS data from the procedure that granted it — the
    application's protocol, the means test of the bando, the whole amount at the ente's charge — so it reaches SIUSS
    without an operator typing them. Once per prestazione (an operator's later correction is kept); a domanda still
    waiting for its protocol number is filled at a later run."""
    senza = Prestazione.objects.filter(ente_erogatore=ente, dati_siuss__isnull=True, rata_bando__isnull=False)
    contributi = contributi_siuss(list(senza.values_list("pk", flat=True)))
    done = 0
    for prestazione in senza.filter(pk__in=[pk for pk, c in contributi.items() if c.protocollo_domanda]):
        c = contributi[prestazione.pk]
        data = {
            "protocollo_domanda": c.protocollo_domanda[:32],
            "presenza_prova_mezzi": PresenzaProvaMezzi.ISEE if c.soggetto_a_isee else PresenzaProvaMezzi.NESSUNA,
            "quota_ente": c.importo,
            "quota_utente": Decimal("0.00"),
            "quota_ssn": Decimal("0.00"),
        }
        if prestazione.carattere == Carattere.PERIODICA:
            data["importo_mensile"] = (c.importo / c.mesi).quantize(Decimal("0.01"))
        dati_siuss_save(prestazione=prestazione, data=data, by=c.liquidata_da)
        done += 1
    return done


def erogatore_backfill(*, today: date) -> int:
    """Prestazioni registered before the ente erogatore existed get the default ente (recorded in history)."""
    done = 0
    for p in (
        _prestazioni_qs()
        .filter(ente_erogatore__isnull=True)
        .select_related("intervento__ente_erogatore", "cartella__owner_ente")
    ):
        p.ente_erogatore = ente_erogatore_default(
            cartella=p.cartella, voce=p.voce, on=p.data_inizio, intervento=p.intervento
        )
        p._change_reason = "ente erogatore predefinito (regole di potestà concessoria)"
        p.save(update_fields=["ente_erogatore"])
        done += 1
    return done


def _store_checks(checks: list[tuple[Prestazione, list[str]]]) -> None:
    """The latest check of every prestazione of a batch: one upsert (insert, or update on the prestazione)."""
    now = timezone.now()
    VerificaSiuss.objects.bulk_create(
        [
            VerificaSiuss(
                prestazione_id=p.pk,
                cartella_id=p.cartella_id,
                ente_erogatore_id=p.ente_erogatore_id,
                problemi=problems,
                ha_problemi=bool(problems),
                verificata_il=now,
            )
            for p, problems in checks
        ],
        update_conflicts=True,
        unique_fields=["prestazione"],
        update_fields=["cartella", "ente_erogatore", "problemi", "ha_problemi", "verificata_il"],
    )


def _due(p: Prestazione, today: date, live: set) -> list[tuple[str, Window]]:
    """The flows a checked prestazione still needs: its due windows and, for a minor, the SINBA record."""
    if p.revocata_il:  # a revoked benefit: nothing new goes (its sent flows are cancelled by cancel_revoked)
        return []
    due = [(TipoFlusso.PS_PSA_SINA, w) for w in due_windows(p, today)]
    if is_minor(p):
        due.append((TipoFlusso.SINBA, Window("", p.data_inizio, p.data_fine)))
    return [(tipo, window) for tipo, window in due if (p.pk, tipo, window.periodo) not in live]


def _build(p: Prestazione, eservice: EserviceWaas, tipo: str, window: Window, nome: str) -> tuple[bytes, list[str]]:
    """The flow's XML and its schema problems (Italian), validated in memory with the one compiled schema."""
    if tipo == TipoFlusso.PS_PSA_SINA:
        root = ps_element(nome=nome, eservice=eservice, prestazione=p, window=window)
    else:
        root = sinba_element(nome=nome, eservice=eservice, prestazione=p)
    xml = serialise(root)
    errors = tree_errors(root, xml, tipo)
    return xml, [f"flusso {ID_FLUSSO_TIPO[tipo]} non conforme allo schema INPS: {e}" for e in errors]


def prepare_batch(
    batch: list[Prestazione],
    *,
    eservice: EserviceWaas | None,
    today: date,
    live: set,
    checked_ente: list[str] | None = None,
) -> list[tuple[Prestazione, list[Flusso], list[str]]]:
    """Check a batch of prestazioni, store the checks, build and write their due flows. Caller holds the
    transaction. A constant number of queries whatever the batch size: the names reserved at once, the flows with
    their history rows and their `siuss.flusso_pronto` events, and the checks, each in one bulk write. A flow the
    schema refuses is not written: its messages go to its own prestazione's check, the others still go."""
    checked_ente = ente_problems(eservice) if checked_ente is None else checked_ente
    plans = []
    for p in batch:
        problems = prestazione_problems(p, eservice=eservice, today=today, ente_checked=checked_ente)
        plans.append((p, problems, [] if problems else _due(p, today, live)))
    names = iter(reserve_id_flussi(eservice, [tipo for _, _, due in plans for tipo, _ in due], today))
    outcome = []
    for p, problems, due in plans:
        flows = []
        for tipo, window in due:
            nome = next(names)  # a refused flow uses its number too, as one call per flow did
            xml, errors = _build(p, eservice, tipo, window, nome)
            if errors:  # a builder bug or a value outside the schema: the flow is not created, the reason is listed
                problems += errors
                continue
            flows.append(
                Flusso(
                    ente=eservice.ente,
                    tipo=tipo,
                    cartella_id=p.cartella_id,
                    prestazione=p,
                    periodo=window.periodo,
                    id_flusso=nome,
                    xml=xml,
                )
            )
            live.add((p.pk, tipo, window.periodo))
        outcome.append((p, flows, problems))
    _write_created([f for _, flows, _ in outcome for f in flows])
    _store_checks([(p, problems) for p, _, problems in outcome])
    return outcome


def _write_created(flows: list[Flusso]) -> None:
    """New flows are born «pronto» (no transition leads there): rows, history rows and events in bulk."""
    if not flows:
        return
    bulk_create_with_history(flows, Flusso)
    cartella_model = Flusso._meta.get_field("cartella").related_model
    outbox_append_many(
        model=cartella_model, event_type="siuss.flusso_pronto", items=[(f.cartella_id, _payload(f)) for f in flows]
    )


def prestazione_flussi_prepare(
    p: Prestazione, *, eservice: EserviceWaas | None, today: date, live: set
) -> tuple[list[Flusso], list[str]]:
    """Check one prestazione, store the result, build its due flows. Caller holds the transaction."""
    [(_, created, problems)] = prepare_batch([p], eservice=eservice, today=today, live=live)
    return created, problems


def _live_keys(ente_id: int) -> set:
    return set(
        Flusso.objects.filter(ente_id=ente_id, tipo_operazione=TipoOperazione.INSERIMENTO)
        .exclude(stato=S.ANNULLATO)
        .values_list("prestazione_id", "tipo", "periodo")
    )


def flussi_prepare(*, ente, today: date | None = None, chunk: int = 200, prestazioni=None) -> PrepareResult:
    """Check every prestazione of the ente erogatore and build the flows that are due (idempotent, re-runnable)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        erogatore_backfill(today=today)
    contributi_dati_siuss(ente=ente)
    eservice = EserviceWaas.objects.select_related("ente").filter(ente=ente).first()
    live = _live_keys(ente.pk)
    qs = prestazioni if prestazioni is not None else _prestazioni_qs().filter(ente_erogatore=ente)
    qs = qs.filter(revocata_il__isnull=True)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    result = PrepareResult()
    checked_ente = ente_problems(eservice)  # the codice fiscale check costs: once per run, not per prestazione
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            batch = list(_prestazioni_qs().filter(pk__in=ids[start : start + chunk]).order_by("pk"))
            outcome = prepare_batch(batch, eservice=eservice, today=today, live=live, checked_ente=checked_ente)
            for _, created, problems in outcome:
                result.created += created
                result.checked += 1
                result.with_problems += bool(problems)
    with transaction.atomic():
        result.created += cancel_revoked(ente=ente, eservice=eservice, today=today)
    return result


def cancel_revoked(*, ente, eservice: EserviceWaas | None, today: date) -> list[Flusso]:
    """The SIUSS correction of a revoked benefit (seeds/faq-siuss-webinar-2023.txt 2.8: a wrong record is cancelled
    with a flow of TipoOperazione C): an acquired insert of a revoked prestazione gets its cancellation flow; one
    not yet acquired (ready, or refused by INPS) is withdrawn; one exposed waits for its outcome (the next run).
    Idempotent: a flow already being cancelled is left alone."""
    if eservice is None:
        return []
    live = (
        Flusso.objects.select_for_update(of=("self",))
        .select_related("cartella", "ente", "prestazione__voce")
        .filter(
            ente=ente,
            prestazione__revocata_il__isnull=False,
            tipo_operazione=TipoOperazione.INSERIMENTO,
            stato__in=(S.PRONTO, S.ERRORE, S.ACQUISITO),
        )
    )
    created = []
    for flusso in live:
        if flusso.stato != S.ACQUISITO:
            flusso_move(flusso, S.ANNULLATO, reason="prestazione revocata: il flusso non parte")
        elif flusso.tipo == TipoFlusso.SINBA:
            continue  # the SINBA record describes the minor's case; the schema has no cancellation of it
        else:
            flusso_move(flusso, S.DA_CORREGGERE, reason="prestazione revocata: cancellazione in SIUSS")
            created.append(_cancellation_of(flusso, eservice, today))
    return created


# --- expose -----------------------------------------------------------------------------------------------------


def now_ms() -> int:
    return time.time_ns() // 1_000_000


EXPOSE_CHUNK = 500


@transaction.atomic
def flussi_expose(*, ente) -> int:
    """Expose the ready flows to INPS, each at a strictly increasing instant (ms) for this ente.

    The e-service row stays locked until commit, so instants are allocated in commit order: a poll can never see
    a later instant before an earlier one is committed, and `since` paging loses nothing and repeats nothing.
    Instants are max(clock, last + 1): ties within one millisecond are spread forward, never shared. The FLUSSO
    step «esponi» is applied per chunk of flows: rows, history rows and events in bulk (not the XML, not read)."""
    eservice = EserviceWaas.objects.select_for_update().filter(ente=ente).first()
    if eservice is None:
        return 0
    last = max(eservice.ultimo_ms, now_ms() - 1)
    ids = list(Flusso.objects.filter(ente=ente, stato=S.PRONTO).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), EXPOSE_CHUNK):
        flows = list(
            Flusso.objects.filter(pk__in=ids[start : start + EXPOSE_CHUNK])
            .select_related("ente", "prestazione__voce")
            .defer("xml")
            .order_by("pk")
        )
        for flusso in flows:
            last += 1
            flusso.esposto_ms = last
        flussi_move_many(flows, S.ESPOSTO, reason="esposto a INPS", fields=["esposto_ms"])
    EserviceWaas.objects.filter(pk=eservice.pk).update(ultimo_ms=last)
    return len(ids)


def flussi_since(*, ente, since: int, limit: int) -> list[tuple[str, str, int, bytes]]:
    """GET /flussi: (id_flusso, tipo, esposto_ms, xml) of the flows exposed after `since`, in exposure order
    (chronological), at most `limit`. Plain tuples from the index range scan: no model instance per flow."""
    if limit == 0:
        return []
    return list(
        Flusso.objects.filter(ente=ente, esposto_ms__gt=since)
        .order_by("esposto_ms")
        .values_list("id_flusso", "tipo", "esposto_ms", "xml")[:limit]
    )


# --- esiti ------------------------------------------------------------------------------------------------------


@transaction.atomic
def esiti_record(*, ente, esiti: list[dict]) -> None:
    """POST /esiti: store every outcome as received; OK → acquired (id_acquisizione_siuss kept); any other code →
    the flow goes back to the operators' worklist. Re-posting the same esito changes nothing (idempotent)."""
    for esito in esiti:
        flusso = (
            Flusso.objects.select_for_update(of=("self",))
            .select_related("cartella", "ente", "prestazione__voce", "annulla")
            .filter(ente=ente, id_flusso=esito["id_flusso"])
            .first()
        )
        EsitoRicevuto.objects.create(
            ente=ente,
            flusso=flusso,
            id_flusso=esito["id_flusso"][:64],
            codice_esito=esito["codice_esito"],
            payload=esito,
        )
        if flusso is None:
            continue
        ok = esito["codice_esito"] == CodiceEsito.OK
        target = S.ACQUISITO if ok else S.ERRORE
        if flusso.stato == target or FLUSSO.find(flusso.stato, target) is None:
            continue
        flusso.codice_esito = esito["codice_esito"]
        flusso.descrizione_esito = esito.get("descrizione_esito") or ""
        flusso.id_acquisizione_siuss = (esito.get("id_acquisizione_siuss") or "")[:64] if ok else ""
        flusso.esito_il = timezone.now()
        flusso_move(flusso, target, reason=f"esito SIUSS {esito['codice_esito']}")
        if ok and flusso.tipo_operazione == TipoOperazione.CANCELLAZIONE and flusso.annulla is not None:
            original = (
                Flusso.objects.select_for_update(of=("self",))
                .select_related("cartella", "ente", "prestazione__voce")
                .get(pk=flusso.annulla_id)
            )
            flusso_move(original, S.ANNULLATO, reason=f"cancellato in SIUSS con {flusso.id_flusso}")


# --- corrections ------------------------------------------------------------------------------------------------


@transaction.atomic
def flusso_correct(*, flusso: Flusso, reason: str, by, today: date | None = None) -> list[Flusso]:
    """Correct a flow (seeds/faq-siuss-webinar-2023.txt 2.8):
    - rejected (errore): withdraw it; the prestazione is checked again and, if valid, a new insert is built;
    - acquired PS insert: a cancellation flow (TipoOperazione C, same content) is built; once SIUSS acquires it, the
      old flow is annulled and the next preparation inserts the corrected prestazione;
    - acquired SINBA: superseded by a new SINBA flow (the schema has no cancellation)."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError("Indicare il motivo della correzione.")
    flusso = (
        Flusso.objects.select_for_update(of=("self",))
        .select_related("cartella", "ente", "prestazione__voce", "annulla")
        .get(pk=flusso.pk)
    )
    eservice = EserviceWaas.objects.select_related("ente").get(ente_id=flusso.ente_id)
    who = by.get_full_name() or by.get_username()
    if flusso.stato == S.ERRORE:
        flusso_move(flusso, S.ANNULLATO, reason=f"ritirato da {who}: {reason}")
        if flusso.tipo_operazione == TipoOperazione.CANCELLAZIONE:
            return [_cancellation_of(flusso.annulla, eservice, today)]
        return _reprepare(flusso.prestazione_id, eservice, today)
    if flusso.stato == S.ACQUISITO and flusso.tipo_operazione == TipoOperazione.INSERIMENTO:
        if flusso.tipo == TipoFlusso.SINBA:
            flusso_move(flusso, S.ANNULLATO, reason=f"sostituito su richiesta di {who}: {reason}")
            return _reprepare(flusso.prestazione_id, eservice, today)
        flusso_move(flusso, S.DA_CORREGGERE, reason=f"correzione chiesta da {who}: {reason}")
        return [_cancellation_of(flusso, eservice, today)]
    raise ValidationError(f"Il flusso è «{S(flusso.stato).label}»: non c'è nulla da correggere.")


def _cancellation_of(original: Flusso, eservice: EserviceWaas, today: date) -> Flusso:
    nome = next_id_flusso(eservice, original.tipo, today)
    xml = cancellation_xml(bytes(original.xml), nome=nome)
    errors = xsd_errors(xml, original.tipo)
    if errors:
        raise ValidationError(f"Il flusso di cancellazione non è conforme allo schema INPS: {errors[0]}")
    flusso = Flusso.objects.create(
        ente_id=original.ente_id,
        tipo=original.tipo,
        tipo_operazione=TipoOperazione.CANCELLAZIONE,
        cartella_id=original.cartella_id,
        prestazione_id=original.prestazione_id,
        periodo=original.periodo,
        id_flusso=nome,
        xml=xml,
        annulla=original,
    )
    _created(flusso)
    return flusso


def _reprepare(prestazione_id: int, eservice: EserviceWaas, today: date) -> list[Flusso]:
    p = _prestazioni_qs().get(pk=prestazione_id)
    return prestazione_flussi_prepare(p, eservice=eservice, today=today, live=_live_keys(eservice.ente_id))[0]


def dati_siuss_save(*, prestazione: Prestazione, data: dict, by):
    """The SIUSS data of a prestazione (typed by the operator); the next check lists what is still missing."""
    from cse.cartella.actions.ritual import case_change

    from .models import DatiSiuss

    with case_change(prestazione.cartella, by=by, allow_closed=True) as change:
        dati_obj = DatiSiuss.objects.filter(prestazione=prestazione).first() or DatiSiuss(prestazione=prestazione)
        for key, value in data.items():
            setattr(dati_obj, key, value)
        dati_obj.full_clean()
        change.save(dati_obj, reason="dati SIUSS")
        change.diary(f"Aggiornati i dati SIUSS della prestazione {prestazione.voce}.")
        change.event("siuss.dati_aggiornati", {"codice": prestazione.voce.codice})
    return dati_obj


def cartella_scheda_save(*, cartella, form, by):
    """Save the SINA or SINBA record of a case from its (validated) form, with history, diario and outbox event."""
    from cse.cartella.actions.ritual import case_change

    with case_change(cartella, by=by, allow_closed=True) as change:
        obj = form.save(commit=False)
        obj.cartella = change.cartella
        obj.full_clean()
        change.save(obj)
        change.diary(f"Aggiornata la {obj._meta.verbose_name}.")
        change.event("siuss.scheda_aggiornata", {"tipo": obj._meta.model_name})
    return obj
