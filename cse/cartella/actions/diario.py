"""Actions on the diario and the documents: manual notes, uploads, and the person's right to obscure an episode."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone

from cse.core.roles import Capability
from cse.core.uploads import sniff_upload

from ..categorie_protette import PROTECTED_REFUSAL, CategoriaProtetta
from ..fasi import Documento, VoceDiario
from ..glossary import TipoVoceDiario
from ..models import Cartella
from ..records import (
    DIARY_RETRACTION_EVENT,
    DOCUMENT_RETRACTION_EVENT,
    MANUAL_DIARY_TYPES,
    iso,
    may_see_protected,
    obscuring_reason,
)
from .ritual import CaseChange, case_change

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
REFUSE_OBSCURING = "Solo gli operatori abilitati dell'ente titolare possono oscurare un episodio."


def _note_errors(*, cartella: Cartella, tipo: str, testo: str, data_evento: date, by, categoria: str) -> dict:
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
    return errors


def diario_add(
    *, cartella: Cartella, tipo: str, testo: str, data_evento: date, riservata: bool, by, categoria: str = ""
) -> VoceDiario:
    """Notes are append-only facts: no version check (two notes at once are both kept). A note in a protected
    category (categorie_protette.py) is refused, nothing written, unless the author holds view_categorie_protette."""
    errors = _note_errors(
        cartella=cartella, tipo=tipo, testo=testo, data_evento=data_evento, by=by, categoria=categoria
    )
    if errors:
        raise ValidationError(errors)
    with case_change(cartella, by=by, allow_closed=True) as change:
        voce = VoceDiario.objects.create(
            cartella=change.cartella,
            tipo=tipo,
            testo=testo.strip(),
            data_evento=data_evento,
            riservata=riservata,
            categoria=categoria,
            autore=by,
        )
        # the entry's key lets an obscuring retract it at the region (the category itself never leaves the comune)
        change.event("cartella.diario_voce", {"tipo": tipo, "data": iso(data_evento), "voce": voce.pk})
    return voce


def _obscure_rows(change: CaseChange, rows: list, flag: str, event_type: str, key: str, reason: str) -> None:
    for row in rows:
        if getattr(row, flag):
            continue
        setattr(row, flag, True)
        row._history_user = change.by  # who and why, also outside a request
        change.save(row, reason=reason)
        change.event(event_type, {key: row.pk})


def _obscure_episode(*, cartella_id: int, voce_ids: list[int], documento_ids: list[int], reason: str, by) -> None:
    """One episode — diary entries and the documents they record — disappears from every view, in one transaction;
    history keeps who and why. The region stops counting it: a retraction names only the pseudonymous key of each
    event that reached it (cse/regionale/ingest.py drops both). No case version bump and no diary entry of its own:
    an obscuring leaves no trace in the case's forms (a concurrent editor is not told that "something changed").
    Who acts is checked here too, not only by the view's access helper; the case row is locked for the outbox
    sequence only."""
    with case_change(
        cartella_id,
        by=by,
        capability=Capability.MANAGE_CARTELLE,
        refuse_actor=REFUSE_OBSCURING,
        allow_closed=True,
        bump=False,
    ) as change:
        cartella = change.cartella
        documenti = list(Documento.con_oscurati.select_for_update().filter(pk__in=documento_ids, cartella=cartella))
        voci = list(
            VoceDiario.objects.select_for_update()
            .filter(models.Q(pk__in=voce_ids) | models.Q(documento__in=[d.pk for d in documenti]), cartella=cartella)
            .order_by("pk")
        )
        _obscure_rows(change, voci, "oscurata", DIARY_RETRACTION_EVENT, "voce", reason)
        # the file stays on disk (legal retention); the default manager no longer returns the row
        _obscure_rows(change, documenti, "oscurato", DOCUMENT_RETRACTION_EVENT, "documento", reason)


def diario_obscure(*, voce: VoceDiario, reason: str, by) -> VoceDiario:
    """The person's right to obscure an episode (DPCM 178/2015 art. 8 by analogy). An entry that records an upload
    takes its document with it: the episode is the document."""
    reason = obscuring_reason(reason)
    documento_ids = [voce.documento_id] if voce.documento_id else []
    _obscure_episode(
        cartella_id=voce.cartella_id, voce_ids=[voce.pk], documento_ids=documento_ids, reason=reason, by=by
    )
    voce.refresh_from_db()
    return voce


def documento_obscure(*, documento: Documento, reason: str, by) -> Documento:
    """The same right exercised on a document: it disappears together with the diary entry that records it."""
    reason = obscuring_reason(reason)
    _obscure_episode(cartella_id=documento.cartella_id, voce_ids=[], documento_ids=[documento.pk], reason=reason, by=by)
    return Documento.con_oscurati.get(pk=documento.pk)


def checked_upload(upload: UploadedFile) -> tuple[str, str]:
    """The type sniffed from the content and the SHA-256 of the file; refusals name the form field. Every upload of
    the product (case documents, attachments of a domanda) goes through it."""
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
    return content_type, digest.hexdigest()


def documento_upload(*, cartella: Cartella, tipo: str, upload: UploadedFile, by) -> Documento:
    """Stores the type sniffed from the content (the browser's claim and the name are ignored)."""
    content_type, sha256 = checked_upload(upload)
    with case_change(cartella, by=by, allow_closed=True) as change:
        documento = Documento(
            cartella=change.cartella,
            tipo=tipo,
            nome=upload.name[-200:],
            content_type=content_type,
            dimensione=upload.size,
            sha256=sha256,
            caricato_da=by,
        )
        documento.file.save(documento.sha256, upload, save=False)
        documento.full_clean()
        documento.save()
        VoceDiario.objects.create(
            cartella=change.cartella,
            tipo=TipoVoceDiario.DOCUMENTO,
            autore=by,
            testo=f"Caricato il documento «{documento.get_tipo_display()}».",
            documento=documento,  # obscuring either one obscures both
        )
        # the document's key lets an obscuring retract it at the region (never its name, type label or content)
        change.event("cartella.documento_caricato", {"tipo": tipo, "documento": documento.pk})
    return documento
