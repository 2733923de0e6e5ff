"""Services that write the phase records, the diario and the documents. One transaction each, with a version check
(two operators editing at once: the second gets a clear message, nothing is saved), history and an outbox event.

Outbox payloads carry codes, dates and amounts only — never names, free text or identifiers of the person."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from cse.core.outbox import outbox_append
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability
from cse.core.uploads import sniff_upload

from .categorie_protette import PROTECTED_REFUSAL, CategoriaProtetta
from .erogatore import ente_erogatore_default
from .fasi import (
    Chiusura,
    Documento,
    InterventoPianificato,
    Prestazione,
    Progetto,
    SchedaAccesso,
    Valutazione,
    VoceDiario,
)
from .glossary import StatoCartella, TipoVoceDiario
from .models import Cartella
from .services import _next_numero
from .workflow import STALE_MESSAGE

S = StatoCartella


def lock_for_change(cartella: Cartella, version: int | None, *, allow_closed: bool = False) -> Cartella:
    """Lock the case row, refuse a stale edit, bump the version (no history row for the bump)."""
    locked = Cartella.objects.select_for_update(of=("self",)).get(pk=cartella.pk)
    if version is not None and locked.version != version:
        raise ValidationError(STALE_MESSAGE)
    if locked.stato == S.CHIUSA and not allow_closed:
        raise ValidationError("La cartella è chiusa: per riprendere il caso va riaperta come nuovo episodio.")
    Cartella.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())
    locked.version += 1
    return locked


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class PhaseRecord:
    model: type[models.Model]
    label: str
    editable_in: frozenset[str]
    payload: Callable[[models.Model], dict]


PHASE_RECORDS: dict[str, PhaseRecord] = {
    "scheda_accesso": PhaseRecord(
        SchedaAccesso,
        "la scheda di accesso",
        frozenset({S.ACCESSO}),
        lambda r: {"canale": r.canale, "area": r.area, "esito": r.esito, "data_accesso": _iso(r.data_accesso)},
    ),
    "valutazione": PhaseRecord(
        Valutazione,
        "la valutazione del bisogno",
        frozenset({S.VALUTAZIONE}),
        lambda r: {
            "economica": r.economica,
            "abitativa": r.abitativa,
            "salute": r.salute,
            "familiare": r.familiare,
            "lavoro": r.lavoro,
            "gravita": r.gravita,
            "urgenza": r.urgenza,
            "data": _iso(r.data_valutazione),
        },
    ),
    "progetto": PhaseRecord(
        Progetto,
        "il progetto individuale",
        frozenset({S.PROGETTO, S.EROGAZIONE}),
        lambda r: {"data_revisione": _iso(r.data_revisione), "sottoscritto": r.sottoscritto_il is not None},
    ),
    "chiusura": PhaseRecord(
        Chiusura,
        "la valutazione finale e chiusura",
        frozenset({S.ACCESSO, S.EROGAZIONE}),
        lambda r: {"esito_obiettivi": r.esito_obiettivi, "motivo": r.motivo},
    ),
}


def _refuse_outside(locked: Cartella, states: frozenset[str], label: str) -> None:
    if locked.stato not in states:
        raise ValidationError(f"Nella fase «{S(locked.stato).label}» non si può modificare {label}.")


def _diary(cartella: Cartella, by, testo: str, tipo: str = TipoVoceDiario.REGISTRAZIONE) -> None:
    VoceDiario.objects.create(cartella=cartella, tipo=tipo, autore=by, testo=testo)


@transaction.atomic
def phase_record_save(*, cartella: Cartella, record: str, data: dict, by, version: int | None) -> models.Model:
    spec = PHASE_RECORDS[record]
    locked = lock_for_change(cartella, version)
    _refuse_outside(locked, spec.editable_in, spec.label)
    obj = spec.model.objects.filter(cartella=locked).first() or spec.model(cartella=locked)
    for field, value in data.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    _diary(locked, by, f"Aggiornata {spec.label}.")
    outbox_append(aggregate=locked, event_type=f"cartella.{record}_aggiornata", payload=spec.payload(obj))
    return obj


@transaction.atomic
def case_manager_assign(*, cartella: Cartella, user, by, version: int | None) -> Cartella:
    locked = lock_for_change(cartella, version)
    locked.case_manager = user
    locked._change_reason = "nuovo case manager"
    locked.save()
    _diary(locked, by, f"Case manager: {user.get_full_name() or user.get_username()}.")
    return locked


@transaction.atomic
def intervento_plan(*, cartella: Cartella, data: dict, by, version: int | None) -> InterventoPianificato:
    locked = lock_for_change(cartella, version)
    _refuse_outside(locked, frozenset({S.PROGETTO, S.EROGAZIONE}), "gli interventi pianificati")
    intervento = InterventoPianificato(cartella=locked, **data)
    if not intervento.ente_erogatore_id:
        intervento.ente_erogatore = ente_erogatore_default(
            cartella=locked, voce=intervento.voce, on=intervento.entro_il or timezone.localdate()
        )
    intervento.full_clean()
    intervento.save()
    _diary(locked, by, f"Pianificato l'intervento {intervento.voce}.")
    outbox_append(
        aggregate=locked,
        event_type="cartella.intervento_pianificato",
        payload={
            "intervento": intervento.pk,
            "codice": intervento.voce.codice,
            "fonte": intervento.fonte,
            "modulo_leps": intervento.modulo_leps or None,
            "ore_previste": str(intervento.ore_previste) if intervento.ore_previste is not None else None,
            "importo_previsto": str(intervento.importo_previsto) if intervento.importo_previsto is not None else None,
        },
    )
    return intervento


def _prestazione_payload(p: Prestazione) -> dict:
    return {
        "prestazione": p.pk,
        "codice": p.voce.codice,
        "carattere": p.carattere,
        "data_inizio": _iso(p.data_inizio),
        "data_fine": _iso(p.data_fine),
        "quantita": str(p.quantita),
        "unita": p.unita,
        "importo": str(p.importo),
        "fonte": p.fonte,
        "modulo_leps": p.modulo_leps or None,
        "ente_erogatore": p.ente_erogatore.codice if p.ente_erogatore_id else None,
    }


@transaction.atomic
def prestazione_register(*, cartella: Cartella, data: dict, by, version: int | None) -> Prestazione:
    """A delivered intervention: the unit that SIUSS will receive."""
    locked = lock_for_change(cartella, version)
    _refuse_outside(locked, frozenset({S.EROGAZIONE}), "le prestazioni erogate")
    prestazione = Prestazione(cartella=locked, **data)
    if prestazione.intervento_id and prestazione.intervento.cartella_id != locked.pk:
        raise ValidationError({"intervento": ["L'intervento indicato non appartiene a questa cartella."]})
    if prestazione.intervento_id and not prestazione.modulo_leps:
        prestazione.modulo_leps = prestazione.intervento.modulo_leps
    if not prestazione.ente_erogatore_id:
        prestazione.ente_erogatore = ente_erogatore_default(
            cartella=locked, voce=prestazione.voce, on=prestazione.data_inizio, intervento=prestazione.intervento
        )
    prestazione.full_clean()
    prestazione.save()
    _diary(locked, by, f"Registrata la prestazione {prestazione.voce}.")
    outbox_append(
        aggregate=locked, event_type="cartella.prestazione_erogata", payload=_prestazione_payload(prestazione)
    )
    return prestazione


@transaction.atomic
def prestazione_end(*, prestazione: Prestazione, data_fine: date, by, version: int | None) -> Prestazione:
    locked = lock_for_change(prestazione.cartella, version)
    _refuse_outside(locked, frozenset({S.EROGAZIONE}), "le prestazioni erogate")
    prestazione = Prestazione.objects.select_for_update().get(pk=prestazione.pk, cartella=locked)
    prestazione.data_fine = data_fine
    prestazione.full_clean()
    prestazione.save()
    _diary(locked, by, f"Conclusa la prestazione {prestazione.voce}.")
    outbox_append(
        aggregate=locked, event_type="cartella.prestazione_conclusa", payload=_prestazione_payload(prestazione)
    )
    return prestazione


MANUAL_DIARY_TYPES = {
    TipoVoceDiario.NOTA,
    TipoVoceDiario.COLLOQUIO,
    TipoVoceDiario.VISITA,
    TipoVoceDiario.CONTATTO,
    TipoVoceDiario.MONITORAGGIO,
}


def may_see_protected(user, cartella: Cartella) -> bool:
    """Holder of view_categorie_protette in the case's owner ente (cse/core/roles.py is the only source)."""
    return cartella.owner_ente_id in ente_ids_for(user, Capability.VIEW_CATEGORIE_PROTETTE)


@transaction.atomic
def diario_add(
    *, cartella: Cartella, tipo: str, testo: str, data_evento: date, riservata: bool, by, categoria: str = ""
) -> VoceDiario:
    """Notes are append-only facts: no version check (two notes at once are both kept). A note in a protected
    category (categorie_protette.py) is refused, nothing written, unless the author holds view_categorie_protette."""
    errors: dict[str, list[str]] = {}
    if categoria and categoria not in CategoriaProtetta.values:
        errors["categoria"] = ["Categoria non ammessa."]
    elif categoria and not may_see_protected(by, cartella):
        errors["categoria"] = [PROTECTED_REFUSAL]
    if tipo not in MANUAL_DIARY_TYPES:
        errors["tipo"] = ["Tipo di voce non ammesso."]
    if not testo.strip():
        errors["testo"] = ["Scrivere il testo della voce."]
    if data_evento > timezone.localdate():
        errors["data_evento"] = ["La data dell'evento non può essere nel futuro."]
    if errors:
        raise ValidationError(errors)
    locked = lock_for_change(cartella, None, allow_closed=True)
    voce = VoceDiario.objects.create(
        cartella=locked,
        tipo=tipo,
        testo=testo.strip(),
        data_evento=data_evento,
        riservata=riservata,
        categoria=categoria,
        autore=by,
    )
    # the entry's key lets an obscuring retract it at the region (the category itself never leaves the comune)
    outbox_append(
        aggregate=locked,
        event_type="cartella.diario_voce",
        payload={"tipo": tipo, "data": _iso(data_evento), "voce": voce.pk},
    )
    return voce


DIARY_RETRACTION_EVENT = "cartella.diario_voce_ritirata"
DOCUMENT_RETRACTION_EVENT = "cartella.documento_ritirato"


def _obscuring_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Indicare il riferimento alla richiesta della persona."]})
    return reason[:100]


def _obscure_episode(*, cartella_id: int, voce_ids: list[int], documento_ids: list[int], reason: str, by) -> None:
    """One episode — diary entries and the documents they record — disappears from every view, in one transaction;
    history keeps who and why. The region stops counting it: a retraction names only the pseudonymous key of each
    event that reached it (cse/regionale/ingest.py drops both). No case version bump and no diary entry of its own:
    an obscuring leaves no trace in the case's forms (a concurrent editor is not told that "something changed")."""
    # who acts is checked here too, not only by the view's access helper (as cartella_transition does)
    if not Cartella.objects.visible_to(by, Capability.MANAGE_CARTELLE).filter(pk=cartella_id).exists():
        raise ValidationError("Solo gli operatori abilitati dell'ente titolare possono oscurare un episodio.")
    # the case row is locked for the outbox sequence only
    cartella = Cartella.objects.select_for_update(of=("self",)).get(pk=cartella_id)
    documenti = list(Documento.con_oscurati.select_for_update().filter(pk__in=documento_ids, cartella=cartella))
    voci = list(
        VoceDiario.objects.select_for_update()
        .filter(models.Q(pk__in=voce_ids) | models.Q(documento__in=[d.pk for d in documenti]), cartella=cartella)
        .order_by("pk")
    )
    for voce in voci:
        if voce.oscurata:
            continue
        voce.oscurata = True
        voce._change_reason, voce._history_user = reason, by  # who and why, also outside a request
        voce.save()
        outbox_append(aggregate=cartella, event_type=DIARY_RETRACTION_EVENT, payload={"voce": voce.pk})
    for documento in documenti:
        if documento.oscurato:
            continue
        documento.oscurato = True
        documento._change_reason, documento._history_user = reason, by
        documento.save()
        # the file stays on disk (legal retention); the default manager no longer returns the row
        outbox_append(aggregate=cartella, event_type=DOCUMENT_RETRACTION_EVENT, payload={"documento": documento.pk})


@transaction.atomic
def diario_obscure(*, voce: VoceDiario, reason: str, by) -> VoceDiario:
    """The person's right to obscure an episode (DPCM 178/2015 art. 8 by analogy). An entry that records an upload
    takes its document with it: the episode is the document."""
    reason = _obscuring_reason(reason)
    documento_ids = [voce.documento_id] if voce.documento_id else []
    _obscure_episode(
        cartella_id=voce.cartella_id, voce_ids=[voce.pk], documento_ids=documento_ids, reason=reason, by=by
    )
    voce.refresh_from_db()
    return voce


@transaction.atomic
def documento_obscure(*, documento: Documento, reason: str, by) -> Documento:
    """The same right exercised on a document: it disappears together with the diary entry that records it."""
    reason = _obscuring_reason(reason)
    _obscure_episode(cartella_id=documento.cartella_id, voce_ids=[], documento_ids=[documento.pk], reason=reason, by=by)
    return Documento.con_oscurati.get(pk=documento.pk)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@transaction.atomic
def documento_upload(*, cartella: Cartella, tipo: str, upload: UploadedFile, by) -> Documento:
    """Stores the type sniffed from the content (the browser's claim and the name are ignored)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [f"Il file supera il limite di {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."]})
    if upload.size == 0:
        raise ValidationError({"file": ["Il file è vuoto."]})
    try:
        content_type = sniff_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    locked = lock_for_change(cartella, None, allow_closed=True)
    documento = Documento(
        cartella=locked,
        tipo=tipo,
        nome=upload.name[-200:],
        content_type=content_type,
        dimensione=upload.size,
        sha256=digest.hexdigest(),
        caricato_da=by,
    )
    documento.file.save(documento.sha256, upload, save=False)
    documento.full_clean()
    documento.save()
    VoceDiario.objects.create(
        cartella=locked,
        tipo=TipoVoceDiario.DOCUMENTO,
        autore=by,
        testo=f"Caricato il documento «{documento.get_tipo_display()}».",
        documento=documento,  # obscuring either one obscures both
    )
    # the document's key lets an obscuring retract it at the region (never its name, type label or content)
    outbox_append(
        aggregate=locked, event_type="cartella.documento_caricato", payload={"tipo": tipo, "documento": documento.pk}
    )
    return documento


@transaction.atomic
def cartella_reopen(*, cartella: Cartella, by) -> Cartella:
    """A closed case is never moved back: re-opening starts a new episode linked to the old one."""
    from cse.core.models import Ente

    old = Cartella.objects.select_for_update(of=("self",)).get(pk=cartella.pk)
    if old.stato != S.CHIUSA:
        raise ValidationError("Si riapre solo una cartella chiusa.")
    if old.riaperture.exists():
        raise ValidationError("Questa cartella è già stata riaperta: proseguire sul nuovo episodio.")
    Ente.objects.select_for_update().get(pk=old.owner_ente_id)
    new = Cartella.objects.create(
        assistito=old.assistito,
        owner_ente=old.owner_ente,
        numerata_da=old.owner_ente,
        numero=_next_numero(old.owner_ente, timezone.localdate().year),
        area=old.area,
        case_manager=old.case_manager,
        riaperta_da=old,
    )
    _diary(new, by, f"Riapertura del caso (episodio precedente: cartella {old.numero}).", tipo=TipoVoceDiario.FASE)
    _diary(old, by, f"Caso riaperto con la cartella {new.numero}.", tipo=TipoVoceDiario.FASE)
    outbox_append(
        aggregate=new, event_type="cartella.riaperta", payload={"area": new.area, "data": _iso(new.aperta_il)}
    )
    return new
