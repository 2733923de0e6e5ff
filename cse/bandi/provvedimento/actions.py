"""Every write of a provvedimento: draft (from the final graduatoria, or from the concluded riesami), submit for
approval (the PDF is rendered and hashed: the approver approves exactly that document), send back with a reason,
approve (four eyes), the protocol callback, and the applicant's riesame. One transaction each, with history and event.

Approval, in its one transaction: the provvedimento is approved, each domanda it covers gets its outcome (history and a
domanda.decisa event), one Notifica per applicant is queued, and the PDF is queued for the outgoing protocol. Nothing
is sent there: the notification worker (cse/bandi/notifiche/actions.py) does that off the request path.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cse.core.models import RichiestaProtocollo, VersoProtocollo
from cse.core.outbox import outbox_append, outbox_append_many
from cse.core.pdf import render_pdf
from cse.core.permissions import has_capability
from cse.core.protocollo import protocollo_accoda
from cse.core.roles import Capability
from cse.core.tasks import enqueue_with

from ..actions import _diary_for_assistito, _save
from ..glossary import (
    CanaleNotifica,
    StatoDomanda,
    StatoGraduatoria,
    StatoNotifica,
    StatoProvvedimento,
    TipoProvvedimento,
)
from ..models import Bando, Domanda, Graduatoria, Notifica, Provvedimento
from ..workflow import DOMANDA, PROVVEDIMENTO, REFUSE_FOREIGN, ROME, local_label

PROTOCOLLO_CALLBACK = "bandi.provvedimento"
TRANSITION_OF = {
    StatoDomanda.FINANZIATA: "finanzia",
    StatoDomanda.NON_FINANZIATA: "non_finanzia",
    StatoDomanda.NON_AMMESSA: "non_ammetti",
}


def _lock(provvedimento: Provvedimento) -> Provvedimento:
    return (
        Provvedimento.objects.select_for_update(of=("self",))
        .select_related("bando", "graduatoria")
        .get(pk=provvedimento.pk)
    )


# --- what a provvedimento decides -------------------------------------------------------------------------------------


def outcomes_of_graduatoria(graduatoria: Graduatoria) -> list[tuple[int, str, Decimal, str]]:
    """(domanda, outcome, amount, public code) for every line of the final ranking."""
    rows = graduatoria.posizioni.order_by("posizione", "pk").values_list(
        "domanda_id", "ammessa", "importo_assegnato", "codice_pubblico"
    )
    return [(pk, _outcome(ammessa, importo), importo, codice) for pk, ammessa, importo, codice in rows]


def _outcome(ammessa: bool, importo: Decimal) -> str:
    if not ammessa:
        return StatoDomanda.NON_AMMESSA
    return StatoDomanda.FINANZIATA if importo > 0 else StatoDomanda.NON_FINANZIATA


def outcomes_of_riesami(bando: Bando) -> list[tuple[int, str, Decimal, str]]:
    """The domande whose reopened istruttoria has ended: admitted (not funded: funding after a riesame goes through
    a new ranking) or not admitted. Their public code is the protocol number."""
    rows = (
        Domanda.objects.filter(
            ente_id=bando.ente_id,
            bando_codice=bando.codice,
            stato=StatoDomanda.ISTRUITA,
            riesame_chiesto_il__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "esito", "protocollo_numero")
    )
    return [
        (pk, _outcome(esito == "ammessa", Decimal(0)), Decimal("0.00"), protocollo or f"D{pk}")
        for pk, esito, protocollo in rows
    ]


def provvedimento_outcomes(provvedimento: Provvedimento) -> list[tuple[int, str, Decimal, str]]:
    if provvedimento.tipo == TipoProvvedimento.GRADUATORIA:
        return outcomes_of_graduatoria(provvedimento.graduatoria)
    return outcomes_of_riesami(provvedimento.bando)


# --- draft, submit, send back -----------------------------------------------------------------------------------------


def _check_text(oggetto: str, testo: str) -> None:
    problems = {}
    if not (oggetto or "").strip():
        problems["oggetto"] = ["Indicare l'oggetto del provvedimento."]
    if not (testo or "").strip():
        problems["testo"] = ["Scrivere la motivazione e il dispositivo del provvedimento."]
    if problems:
        raise ValidationError(problems)


def _refusal_to_draft(bando: Bando, tipo: str, graduatoria: Graduatoria | None) -> list[str]:
    if tipo == TipoProvvedimento.GRADUATORIA:
        if graduatoria is None or graduatoria.stato != StatoGraduatoria.DEFINITIVA:
            return ["Il provvedimento si redige sulla graduatoria definitiva."]
        if graduatoria.provvedimenti.filter(tipo=tipo).exists():
            return ["Per questa graduatoria esiste già un provvedimento: modificare quello in redazione."]
        return []
    if tipo == TipoProvvedimento.RIESAME:
        aperti = Provvedimento.objects.filter(
            bando__ente_id=bando.ente_id, bando__codice=bando.codice, tipo=tipo
        ).exclude(stato=StatoProvvedimento.APPROVATO)
        if aperti.exists():
            return ["C'è già un provvedimento di riesame in redazione o in approvazione per questo bando."]
        if not outcomes_of_riesami(bando):
            return ["Nessun riesame concluso da decidere: prima si conclude l'istruttoria riaperta."]
        return []
    return ["La revoca si adotta dalla pagina del beneficio."]


@transaction.atomic
def provvedimento_draft(
    *, bando: Bando, tipo: str, by, oggetto: str, testo: str, graduatoria: Graduatoria | None = None
) -> Provvedimento:
    if not has_capability(by, Capability.ISTRUTTORIA_BANDI, bando.ente_id):
        raise ValidationError(REFUSE_FOREIGN)
    _check_text(oggetto, testo)
    if graduatoria is not None:
        graduatoria = Graduatoria.objects.select_for_update().get(pk=graduatoria.pk)
        if graduatoria.bando.ente_id != bando.ente_id or graduatoria.bando.codice != bando.codice:
            raise ValidationError("La graduatoria non è di questo bando.")
    problems = _refusal_to_draft(bando, tipo, graduatoria)
    if problems:
        raise ValidationError(problems)
    provvedimento = Provvedimento(
        bando=bando,
        graduatoria=graduatoria,
        tipo=tipo,
        oggetto=oggetto.strip(),
        testo=testo.strip(),
        redatto_da=by,
        redatto_il=timezone.now(),
    )
    _save(provvedimento, by, "provvedimento redatto")
    outbox_append(
        aggregate=provvedimento, event_type="provvedimento.redatto", payload={"bando": bando.pk, "tipo": tipo}
    )
    return provvedimento


@transaction.atomic
def provvedimento_update(*, provvedimento: Provvedimento, by, oggetto: str, testo: str) -> Provvedimento:
    locked = _lock(provvedimento)
    if not has_capability(by, Capability.ISTRUTTORIA_BANDI, locked.bando.ente_id):
        raise ValidationError(REFUSE_FOREIGN)
    if locked.stato != StatoProvvedimento.BOZZA:
        raise ValidationError("Si modifica solo un provvedimento in redazione.")
    _check_text(oggetto, testo)
    locked.oggetto, locked.testo = oggetto.strip(), testo.strip()
    _save(locked, by, "provvedimento modificato in redazione")
    return locked


def render_provvedimento(provvedimento: Provvedimento) -> bytes:
    """The document the approver reads and the protocol registers: text and the outcome of each line, by public code
    (never a name or an ISEE: it is published)."""
    outcomes = provvedimento_outcomes(provvedimento)
    labels = dict(StatoDomanda.choices)
    righe = [{"codice": c, "esito": labels[e], "importo": i} for _, e, i, c in outcomes]
    context = {
        "p": provvedimento,
        "ente": provvedimento.bando.ente,
        "righe": righe,
        "totale": sum((i for _, _, i, _ in outcomes), Decimal("0.00")),
        "redatto_il": local_label(provvedimento.redatto_il),
    }
    return render_pdf("bandi/provvedimento_pdf.html", context)


@transaction.atomic
def provvedimento_submit(*, provvedimento: Provvedimento, by) -> Provvedimento:
    """Frozen for approval; the PDF is rendered off the request path (for ten thousand lines it takes minutes) and
    approval waits for it, so the approver approves exactly the document the protocol registers."""
    locked = _lock(provvedimento)
    PROVVEDIMENTO.check_actor(locked, "sottoponi", by)
    if not provvedimento_outcomes(locked):
        raise ValidationError("Il provvedimento non decide alcuna domanda.")
    locked.sha256, locked.pdf, locked.motivo_rifiuto = "", None, ""
    locked.documento_richiesta += 1
    PROVVEDIMENTO.apply(locked, "sottoponi", by=by, payload={"tipo": locked.tipo})
    _save(locked, by, "sottoposto ad approvazione")
    enqueue_with(render_provvedimento_task(), locked.pk, locked.documento_richiesta)
    return locked


def render_provvedimento_task():
    """The queued task (imported late: the tasks module imports these actions)."""
    from ..tasks import render_provvedimento_document

    return render_provvedimento_document


def _awaits_document(provvedimento: Provvedimento, richiesta: int) -> bool:
    return (
        provvedimento.stato == StatoProvvedimento.IN_APPROVAZIONE
        and provvedimento.documento_richiesta == richiesta
        and not provvedimento.sha256
    )


def provvedimento_document_render(*, provvedimento_id: int, richiesta: int) -> bool:
    """Render and hash the document asked for by submission number `richiesta`, outside any lock (slow), then store
    it only if that submission is still the one awaiting approval. Idempotent: a second run finds it done."""
    current = Provvedimento.objects.select_related("bando__ente", "graduatoria").filter(pk=provvedimento_id).first()
    if current is None or not _awaits_document(current, richiesta):
        return False
    content = render_provvedimento(current)
    with transaction.atomic():
        locked = _lock(current)
        if not _awaits_document(locked, richiesta):
            return False
        locked.sha256 = hashlib.sha256(content).hexdigest()
        locked.pdf.save(f"provvedimento-{locked.pk}.pdf", ContentFile(content), save=False)
        _save(locked, locked.redatto_da, "documento PDF generato per l'approvazione")
        outbox_append(aggregate=locked, event_type="provvedimento.documento_pronto", payload={"sha256": locked.sha256})
    return True


@transaction.atomic
def provvedimento_send_back(*, provvedimento: Provvedimento, by, reason: str) -> Provvedimento:
    if not (reason or "").strip():
        raise ValidationError({"motivo": ["Indicare che cosa correggere: il motivo torna al redattore."]})
    locked = _lock(provvedimento)
    locked._decisore_id = by.pk
    PROVVEDIMENTO.apply(locked, "restituisci", by=by, payload={"tipo": locked.tipo})
    locked.motivo_rifiuto = reason.strip()
    _save(locked, by, "restituito al redattore")
    return locked


# --- approval ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def provvedimento_approve(*, provvedimento: Provvedimento, by) -> Provvedimento:
    locked = _lock(provvedimento)
    locked._decisore_id = by.pk
    outcomes = provvedimento_outcomes(locked)
    PROVVEDIMENTO.apply(locked, "approva", by=by, payload={"tipo": locked.tipo, "domande": len(outcomes)})
    locked.approvato_da, locked.approvato_il = by, timezone.now()
    _save(locked, by, "provvedimento approvato")
    domande = _decide(locked, outcomes, by)
    _queue_notifications(locked, outcomes, domande)
    _queue_protocol(locked)
    return locked


def _decide(provvedimento: Provvedimento, outcomes, by) -> dict[int, Domanda]:
    """Each domanda gets the outcome (the transition is checked by the machine; bulk writes with their history)."""
    esiti = {pk: esito for pk, esito, _, _ in outcomes}
    domande = {d.pk: d for d in Domanda.objects.select_for_update().select_related("bando").filter(pk__in=esiti)}
    problems = []
    for pk in esiti:
        domanda = domande.get(pk)
        refusal = DOMANDA.refusal(domanda, TRANSITION_OF[esiti[pk]]) if domanda else ["domanda non trovata"]
        problems += [f"Domanda {domanda.protocollo_numero or pk if domanda else pk}: {r}" for r in refusal]
    if problems:
        raise ValidationError(problems[:20])
    for domanda in domande.values():
        domanda.stato = esiti[domanda.pk]
        domanda._history_user = by
        domanda._change_reason = f"esito dal provvedimento {provvedimento.pk}"
    bulk_update_with_history(
        list(domande.values()), Domanda, ["stato"], batch_size=2000, default_user=by,
        default_change_reason=f"esito dal provvedimento {provvedimento.pk}",
    )  # fmt: skip
    outbox_append_many(
        model=Domanda,
        event_type="domanda.decisa",
        items=[(pk, {"esito": esiti[pk], "provvedimento": provvedimento.pk}) for pk in esiti],
    )
    for domanda in domande.values():
        if domanda.assistito_id:
            esito = domanda.get_stato_display().lower()
            _diary_for_assistito(
                domanda, by, f"Provvedimento sulla domanda per il bando «{domanda.bando.titolo}»: {esito}."
            )
    return domande


def first_channel(domanda: Domanda) -> str:
    """The channel to try first: IO where the applicant consented (the worker checks the profile), else e-mail,
    else a letter."""
    if domanda.consenso_app_io:
        return CanaleNotifica.APP_IO
    return CanaleNotifica.EMAIL if domanda.email else CanaleNotifica.LETTERA


def _queue_notifications(provvedimento: Provvedimento, outcomes, domande: dict[int, Domanda]) -> None:
    notifiche = []
    for pk, esito, importo, _ in outcomes:
        canale = first_channel(domande[pk])
        notifiche.append(
            Notifica(
                provvedimento=provvedimento,
                domanda_id=pk,
                esito=esito,
                importo=importo,
                canale=canale,
                stato=StatoNotifica.DA_STAMPARE if canale == CanaleNotifica.LETTERA else StatoNotifica.DA_INVIARE,
                chiave=f"bandi/provvedimento-{provvedimento.pk}/domanda-{pk}",
            )
        )
    bulk_create_with_history(
        notifiche, Notifica, batch_size=2000, default_user=provvedimento.approvato_da,
        default_change_reason="notifica in coda",
    )  # fmt: skip


def _queue_protocol(provvedimento: Provvedimento) -> None:
    protocollo_accoda(
        ente=provvedimento.bando.ente,
        chiave=f"bandi/provvedimento-{provvedimento.pk}",
        verso=VersoProtocollo.USCITA,
        oggetto=provvedimento.oggetto,
        corrispondente="Richiedenti del bando (notifica individuale)",
        nome_file=f"provvedimento-{provvedimento.pk}.pdf",
        sha256=provvedimento.sha256,
        riferimento=f"{PROTOCOLLO_CALLBACK}:{provvedimento.pk}",
        callback=PROTOCOLLO_CALLBACK,
    )


def provvedimento_protocollo_registrato(richiesta: RichiestaProtocollo) -> None:
    """The protocol queue's callback (BandiConfig.ready), in the registration's transaction. Idempotent."""
    pk = int(richiesta.riferimento.rpartition(":")[2])
    locked = Provvedimento.objects.select_for_update().get(pk=pk)
    numero = f"{richiesta.numero:07d}"
    if locked.protocollo_numero:
        if locked.protocollo_numero == numero:
            return
        raise ValidationError("Il provvedimento è già protocollato con un altro numero.")
    locked.protocollo_numero, locked.protocollo_data = numero, richiesta.data
    locked.protocollo_segnatura = richiesta.segnatura
    _save(locked, None, f"protocollo {numero}")
    outbox_append(
        aggregate=locked,
        event_type="provvedimento.protocollato",
        payload={"numero": numero, "data": richiesta.data.isoformat()},
    )


# --- riesame ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def riesame_request(*, domanda: Domanda, by, reason: str) -> Domanda:
    """The applicant (or the front desk for them) asks a review within the bando's giorni_riesame from the
    notification: the istruttoria reopens; its outcome comes only from a new provvedimento of tipo riesame."""
    if not (reason or "").strip():
        raise ValidationError({"motivo": ["Indicare i motivi della richiesta di riesame."]})
    locked = Domanda.objects.select_for_update().select_related("bando").get(pk=domanda.pk)
    ultimo = locked.notifiche.filter(provvedimento__stato=StatoProvvedimento.APPROVATO).order_by("-pk").first()
    DOMANDA.apply(locked, "riesame", by=by, payload={"provvedimento": ultimo.provvedimento_id if ultimo else None})
    locked.riesame_chiesto_il, locked.riesame_motivo = timezone.now(), reason.strip()
    locked.esito = ""
    locked.scadenza_istruttoria = timezone.localdate(timezone.now(), ROME) + timedelta(
        days=locked.bando.giorni_istruttoria
    )
    _save(locked, by, "riesame chiesto: istruttoria riaperta")
    _diary_for_assistito(locked, by, f"Chiesto il riesame della domanda per il bando «{locked.bando.titolo}».")
    return locked
