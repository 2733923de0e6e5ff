"""Every write of the bandi domain: one transaction each, with its history row (simple-history, with the reason) and
its outbox event (registered in cse/core/events.py); bad input is an Italian ValidationError and nothing is written.

Bando: create, update (bozza only), publish, correct (new version), close, revoke. Domanda: draft, attachments,
submit (inside the window), protocol registration, withdraw, prefill from ANPR and INPS. Istruttoria: assign,
evaluate, operator facts, integration requests (the clock stops), close, exclude. Graduatoria: compute (provisional),
finalise (after the objection period).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cse.cartella.actions.diario import checked_upload
from cse.cartella.actions.ritual import diary_entry
from cse.cartella.models import Cartella
from cse.core.external import CallContext
from cse.core.models import RichiestaProtocollo, VersoProtocollo
from cse.core.outbox import outbox_append
from cse.core.permissions import ente_ids_for, has_capability
from cse.core.protocollo import protocollo_accoda
from cse.core.roles import Capability

from . import rules
from .glossary import (
    STATI_IN_CORSO,
    STATI_NON_ATTIVI,
    Canale,
    EsitoIstruttoria,
    Fonte,
    StatoBando,
    StatoDomanda,
    StatoGraduatoria,
)
from .models import (
    DUPLICATE,
    FROZEN_FIELDS,
    Allegato,
    Bando,
    Domanda,
    EsitoCriterio,
    Graduatoria,
    PosizioneGraduatoria,
    RichiestaIntegrazione,
)
from .prefill import FATTI_KEY, acquire, facts_of, merge, stored_fact
from .workflow import (
    BANDO,
    DOMANDA,
    GRADUATORIA,
    REFUSE_FOREIGN,
    ROME,
    citizen_cf,
    is_own,
    local_label,
    may_take_at_desk,
)

EDITABLE_FIELDS = tuple(f.removesuffix("_id") for f in FROZEN_FIELDS if f not in ("ente_id", "codice", "versione"))


def _require(user, capability: str, ente_id: int, message: str = REFUSE_FOREIGN) -> None:
    if not has_capability(user, capability, ente_id):
        raise ValidationError(message)


def _save(obj: models.Model, by, reason: str) -> None:
    """Save with the history row's author and reason (also outside a request)."""
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.full_clean()
    obj.save()


# --- bando ------------------------------------------------------------------------------------------------------------


def _check_rules(bando: Bando) -> None:
    """The schema must parse, name only the bando's own declarations, and the window must make sense."""
    schema = rules.parse_schema(bando.schema)
    codici = {d.get("codice") for d in bando.dichiarazioni or []}
    unknown = sorted(f for f in schema.fatti if f.startswith("dichiarazione.") and f.split(".", 1)[1] not in codici)
    if unknown:
        raise ValidationError([f"Il criterio cita una dichiarazione che il bando non prevede: «{f}»." for f in unknown])
    if bando.importo_massimo is not None and bando.importo_massimo <= 0:
        raise ValidationError({"importo_massimo": ["L'importo massimo per beneficiario deve essere positivo."]})
    if bando.apertura and bando.chiusura and bando.chiusura <= bando.apertura:
        raise ValidationError({"chiusura": ["La chiusura deve seguire l'apertura."]})


@transaction.atomic
def bando_create(*, ente, by, **fields: Any) -> Bando:
    _require(by, Capability.MANAGE_BANDI, ente.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"codice"}
    if unknown:
        raise ValidationError(f"Campi non previsti: {', '.join(sorted(unknown))}.")
    bando = Bando(ente=ente, creato_da=by, **fields)
    _check_rules(bando)
    if Bando.objects.filter(ente=ente, codice=bando.codice).exists():
        raise ValidationError({"codice": ["Esiste già un bando dell'ente con questo codice."]})
    _save(bando, by, "bando creato")
    outbox_append(aggregate=bando, event_type="bando.creato", payload=_bando_payload(bando))
    return bando


def _bando_payload(bando: Bando) -> dict:
    return {"codice": bando.codice, "versione": bando.versione}


def _lock_bando(bando: Bando) -> Bando:
    return Bando.objects.select_for_update().get(pk=bando.pk)


@transaction.atomic
def bando_update(*, bando: Bando, by, changes: dict[str, Any]) -> Bando:
    """Only a draft changes in place; a published bando changes by bando_correct."""
    locked = _lock_bando(bando)
    _require(by, Capability.MANAGE_BANDI, locked.ente_id)
    if locked.stato != StatoBando.BOZZA:
        raise ValidationError("Il bando è pubblicato: le sue regole non si modificano, si pubblica una rettifica.")
    _apply_changes(locked, changes)
    _check_rules(locked)
    _save(locked, by, "bando modificato in bozza")
    outbox_append(aggregate=locked, event_type="bando.aggiornato", payload=_bando_payload(locked))
    return locked


def _apply_changes(bando: Bando, changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Campi non modificabili: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(bando, name, value)


@transaction.atomic
def bando_publish(*, bando: Bando, by) -> Bando:
    locked = _lock_bando(bando)
    _check_rules(locked)
    BANDO.apply(locked, "pubblica", by=by, payload=_bando_payload(locked))
    locked.pubblicato_il = timezone.now()
    _save(locked, by, "bando pubblicato")
    return locked


@transaction.atomic
def bando_correct(*, bando: Bando, by, reason: str, changes: dict[str, Any]) -> Bando:
    """A published bando's correction: version n+1 with the changes and the reason, published at once; the old one
    is marked replaced and stays as it was (what applicants saw). Domande keep the version they were made under;
    the istruttoria applies the rules in force (bando_vigente)."""
    if not (reason or "").strip():
        raise ValidationError({"motivo_correzione": ["Indicare il motivo della rettifica."]})
    old = _lock_bando(bando)
    if not changes:
        raise ValidationError("La rettifica non cambia nulla del bando.")
    new = Bando(
        **{f: getattr(old, f) for f in FROZEN_FIELDS},
        sostituisce=old,
        motivo_correzione=reason.strip(),
        creato_da=by,
        stato=StatoBando.BOZZA,
    )
    new.versione = old.versione + 1
    _apply_changes(new, changes)
    _check_rules(new)
    BANDO.apply(old, "sostituisci", by=by, payload=_bando_payload(old) | {"nuova": new.versione})
    _save(old, by, f"sostituito dalla versione {new.versione}")
    _save(new, by, f"rettifica: {reason}")
    BANDO.apply(new, "pubblica", by=by, payload=_bando_payload(new))
    new.pubblicato_il = timezone.now()
    _save(new, by, "rettifica pubblicata")
    return new


@transaction.atomic
def bando_close(*, bando: Bando, by) -> Bando:
    locked = _lock_bando(bando)
    BANDO.apply(locked, "chiudi", by=by, payload=_bando_payload(locked))
    _save(locked, by, "bando chiuso")
    return locked


@transaction.atomic
def bando_revoke(*, bando: Bando, by, reason: str) -> Bando:
    if not (reason or "").strip():
        raise ValidationError("Indicare il motivo della revoca.")
    locked = _lock_bando(bando)
    BANDO.apply(locked, "revoca", by=by, payload=_bando_payload(locked))
    _save(locked, by, f"revocato: {reason}")
    return locked


def bando_vigente(ente_id: int, codice: str) -> Bando:
    """The version in force of a bando: the latest one not replaced (the rules the istruttoria applies)."""
    return Bando.objects.filter(ente_id=ente_id, codice=codice).exclude(stato=StatoBando.SOSTITUITO).latest("versione")


# --- domanda: draft, attachments, submission, protocol, withdrawal ----------------------------------------------------

APPLICANT_FIELDS = ("codice_fiscale", "cognome", "nome", "data_nascita", "comune_residenza")


def _check_actor_for_new(bando: Bando, by, codice_fiscale: str) -> str:
    """The channel: online for the citizen applying for themself, sportello for a front-desk operator."""
    if is_own(by, codice_fiscale):
        return Canale.ONLINE
    if citizen_cf(by):
        raise ValidationError("Si può presentare domanda solo a proprio nome.")
    if may_take_at_desk(by, bando.ente_id):
        return Canale.SPORTELLO
    raise ValidationError(REFUSE_FOREIGN)


def _declared_facts(bando: Bando, dichiarazioni: list[str], dichiarati: dict[str, Any], now: datetime) -> dict:
    """Ticked self-declarations become facts `dichiarazione.<codice>` (true/false); declared values (e.g. an ISEE typed
    by the applicant) are facts of source dichiarazione until a source or the operator says otherwise."""
    codici = [d["codice"] for d in bando.dichiarazioni or []]
    unknown = sorted(set(dichiarazioni) - set(codici))
    if unknown:
        raise ValidationError({"dichiarazioni": [f"Dichiarazione non prevista dal bando: {', '.join(unknown)}."]})
    fatti = {f"dichiarazione.{c}": stored_fact(c in dichiarazioni, Fonte.DICHIARAZIONE, now) for c in codici}
    for codice, valore in dichiarati.items():
        if codice.startswith("dichiarazione.") or valore in (None, ""):
            continue
        fatti[codice] = stored_fact(valore, Fonte.DICHIARAZIONE, now)
    return fatti


def domanda_save_draft(
    *,
    bando: Bando,
    by,
    richiedente: dict[str, Any],
    dichiarazioni: list[str] | None = None,
    dichiarati: dict[str, Any] | None = None,
    assistito=None,
    domanda: Domanda | None = None,
    contatti: dict[str, Any] | None = None,
) -> Domanda:
    """Create or update a draft. A second active domanda of the same person for the bando (any version) is refused
    with a message — by the check here and, under a race, by the database constraint. `contatti`: how the applicant
    wants to hear the outcome ({"consenso_app_io": bool, "email": str}); left as they were when not given."""
    try:
        with transaction.atomic():
            domanda = _save_draft(bando, by, richiedente, dichiarazioni or [], dichiarati or {}, assistito, domanda)
            if contatti is not None:
                _set_contacts(domanda, by, contatti)
            return domanda
    except IntegrityError as exc:
        if "domanda_una_attiva_per_persona" in str(exc) or "UNIQUE" in str(exc).upper():
            raise ValidationError(DUPLICATE) from exc
        raise


def _save_draft(bando, by, richiedente, dichiarazioni, dichiarati, assistito, domanda) -> Domanda:
    cf = "".join(str(richiedente.get("codice_fiscale", "")).split()).upper()
    canale = _check_actor_for_new(bando, by, cf)
    if bando.stato != StatoBando.PUBBLICATO:
        raise ValidationError("Il bando non è aperto alle domande.")
    if domanda is None:
        domanda = Domanda(bando=bando, ente_id=bando.ente_id, bando_codice=bando.codice, creata_da=by, canale=canale)
        created = True
    else:
        domanda = Domanda.objects.select_for_update().get(pk=domanda.pk)
        created = False
        if domanda.stato != StatoDomanda.BOZZA or domanda.codice_fiscale != cf:
            raise ValidationError("Si modifica solo una domanda in bozza, della stessa persona.")
    for name in APPLICANT_FIELDS:
        setattr(domanda, name, richiedente.get(name) if name != "codice_fiscale" else cf)
    if assistito is not None:
        if canale != Canale.SPORTELLO:
            raise ValidationError("Solo l'operatore dello sportello collega la domanda a una persona in carico.")
        domanda.assistito = assistito
    domanda.dichiarazioni = sorted(set(dichiarazioni))
    fatti = _declared_facts(bando, domanda.dichiarazioni, dichiarati, timezone.now())
    domanda.dati = {**domanda.dati, FATTI_KEY: merge(fatti, _acquired_only(domanda.dati))}
    _refuse_duplicate(domanda)
    _save(domanda, by, "bozza salvata")
    if created:
        outbox_append(aggregate=domanda, event_type="domanda.creata", payload={"bando": bando.pk, "canale": canale})
    return domanda


def _set_contacts(domanda: Domanda, by, contatti: dict[str, Any]) -> None:
    """The consent to App IO is the applicant's own declaration (ticked online, or recorded by the front desk)."""
    domanda.consenso_app_io = bool(contatti.get("consenso_app_io"))
    domanda.email = (contatti.get("email") or "").strip()
    _save(domanda, by, "recapiti per le comunicazioni")


def _acquired_only(dati: dict) -> dict:
    """Facts read from a source or set by the operator survive a new save of the draft; declared ones are retyped."""
    return {k: v for k, v in (dati or {}).get(FATTI_KEY, {}).items() if v.get("fonte") != Fonte.DICHIARAZIONE}


def _refuse_duplicate(domanda: Domanda) -> None:
    others = Domanda.objects.filter(
        ente_id=domanda.ente_id, bando_codice=domanda.bando_codice, codice_fiscale=domanda.codice_fiscale
    ).exclude(stato__in=STATI_NON_ATTIVI)
    if domanda.pk:
        others = others.exclude(pk=domanda.pk)
    if others.exists():
        raise ValidationError(DUPLICATE)


def _lock_domanda(domanda: Domanda) -> Domanda:
    return Domanda.objects.select_for_update().select_related("bando").get(pk=domanda.pk)


@transaction.atomic
def allegato_add(*, domanda: Domanda, codice: str, upload: UploadedFile, by) -> Allegato:
    """An attachment of a draft: the type from the content (cse/core/uploads.py, as the cartella's documents)."""
    locked = _lock_domanda(domanda)
    DOMANDA.check_actor(locked, "presenta", by)
    if locked.stato != StatoDomanda.BOZZA:
        raise ValidationError("Gli allegati si aggiungono alla domanda in bozza.")
    if codice not in {d.get("codice") for d in locked.bando.documenti_richiesti or []}:
        raise ValidationError({"codice": ["Documento non previsto dal bando."]})
    content_type, sha256 = checked_upload(upload)
    allegato = Allegato(
        domanda=locked,
        codice=codice,
        nome_originale=(upload.name or "documento")[-200:],
        content_type=content_type,
        sha256=sha256,
        caricato_da=by,
    )
    allegato.file.save(allegato.sha256[:16], upload, save=False)
    _save(allegato, by, "allegato caricato")
    return allegato


def _missing_documents(domanda: Domanda) -> list[str]:
    present = set(domanda.allegati.values_list("codice", flat=True))
    return [
        f"Manca il documento obbligatorio: {d.get('descrizione') or d['codice']}."
        for d in domanda.bando.documenti_richiesti or []
        if d.get("obbligatorio") and d["codice"] not in present
    ]


def window_refusal(bando: Bando, at: datetime) -> str:
    """The Italian refusal of a submission outside the window, with the Europe/Rome time; '' inside."""
    if at < bando.apertura:
        return f"Il bando non è ancora aperto: le domande si presentano dal {local_label(bando.apertura)}."
    if at > bando.chiusura:
        return f"Il bando è chiuso: le domande si presentavano fino al {local_label(bando.chiusura)}."
    return ""


@transaction.atomic
def domanda_submit(*, domanda: Domanda, by) -> Domanda:
    """Submitted once, inside the window; it stays «presentata, protocollazione in corso» until the protocol queue
    (reading the domanda.presentata event) calls domanda_protocollata: an outage of the protocol loses nothing."""
    locked = _lock_domanda(domanda)
    now = timezone.now()
    bando = bando_vigente(locked.ente_id, locked.bando_codice)
    refusal = window_refusal(bando, now) or ("" if bando.stato == StatoBando.PUBBLICATO else "Il bando non è aperto.")
    if refusal:
        raise ValidationError(refusal)
    problems = _missing_documents(locked) + [
        f"Indicare {label}." for name, label in _REQUIRED if not getattr(locked, name)
    ]
    if problems:
        raise ValidationError(problems)
    DOMANDA.apply(locked, "presenta", by=by, payload={"bando": bando.pk, "canale": locked.canale})
    locked.bando = bando  # a draft made under a replaced version is submitted under the one in force
    locked.presentata_il = now
    locked.scadenza_istruttoria = timezone.localdate(now, ROME) + timedelta(days=bando.giorni_istruttoria)
    _save(locked, by, "domanda presentata")
    _queue_protocol(locked, bando)
    _diary_for_assistito(locked, by, f"Presentata allo sportello la domanda per il bando «{bando.titolo}».")
    return locked


PROTOCOLLO_CALLBACK = "bandi.domanda"


def submitted_document(domanda: Domanda, bando: Bando) -> bytes:
    """What is registered: the domanda as submitted (applicant, declarations, facts, attachments by their SHA-256),
    canonical JSON, so its impronta in the segnatura binds exactly this content."""
    content = {
        "bando": {"codice": bando.codice, "versione": bando.versione, "ente": domanda.ente_id},
        "richiedente": [domanda.codice_fiscale, domanda.cognome, domanda.nome, str(domanda.data_nascita or "")],
        "dichiarazioni": sorted(domanda.dichiarazioni),
        "dati": domanda.dati,
        "allegati": sorted(domanda.allegati.values_list("codice", "sha256")),
        "presentata_il": domanda.presentata_il.isoformat(),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()


def _queue_protocol(domanda: Domanda, bando: Bando) -> None:
    """The submitted domanda enters the protocollo informatico through the queue, in the submission's transaction:
    an outage of the protocol loses nothing («ricevuta, protocollazione in corso» until the number arrives), and the
    key makes a retry register it once."""
    protocollo_accoda(
        ente=domanda.ente,
        chiave=f"bandi/domanda-{domanda.pk}",
        verso=VersoProtocollo.ENTRATA,
        oggetto=f"Domanda per il bando «{bando.titolo}» (versione {bando.versione})",
        corrispondente=f"{domanda.cognome} {domanda.nome}",
        nome_file=f"domanda-{domanda.pk}.json",
        sha256=hashlib.sha256(submitted_document(domanda, bando)).hexdigest(),
        riferimento=f"{PROTOCOLLO_CALLBACK}:{domanda.pk}",
        callback=PROTOCOLLO_CALLBACK,
    )


def domanda_protocollo_registrato(richiesta: RichiestaProtocollo) -> None:
    """The protocol queue's callback (registered in BandiConfig.ready), run in the registration's transaction."""
    pk = int(richiesta.riferimento.rpartition(":")[2])
    domanda_protocollata(
        domanda=Domanda.objects.get(pk=pk),
        numero=f"{richiesta.numero:07d}",
        data=richiesta.data,
        segnatura=richiesta.segnatura,
    )


_REQUIRED = (("cognome", "il cognome"), ("nome", "il nome"), ("codice_fiscale", "il codice fiscale"))


def _diary_for_assistito(domanda: Domanda, by, testo: str) -> None:
    """A domanda of a person in care (linked at the front desk): a line on their cartelle the operator's enti see."""
    if domanda.assistito_id is None:
        return
    enti = ente_ids_for(by, Capability.VIEW_PERSONE)
    for cartella in Cartella.objects.filter(assistito_id=domanda.assistito_id, owner_ente_id__in=enti):
        diary_entry(cartella, by, testo)


@transaction.atomic
def domanda_protocollata(*, domanda: Domanda, numero: str, data: date, segnatura: str) -> Domanda:
    """Called by the protocol queue (the adapter wired at merge). Idempotent: the same number again is a no-op; a
    different number for an already registered domanda is refused (a protocol is never rewritten)."""
    locked = _lock_domanda(domanda)
    if locked.protocollo_numero:
        if locked.protocollo_numero == numero:
            return locked
        raise ValidationError("La domanda è già protocollata con un altro numero.")
    if locked.stato in (StatoDomanda.BOZZA,):
        raise ValidationError("Si protocolla una domanda presentata.")
    locked.protocollo_numero, locked.protocollo_data, locked.protocollo_segnatura = numero, data, segnatura
    _save(locked, None, f"protocollo {numero}")
    outbox_append(
        aggregate=locked, event_type="domanda.protocollata", payload={"numero": numero, "data": data.isoformat()}
    )
    return locked


@transaction.atomic
def domanda_withdraw(*, domanda: Domanda, by) -> Domanda:
    locked = _lock_domanda(domanda)
    DOMANDA.apply(locked, "ritira", by=by, payload={"bando": locked.bando_id})
    _save(locked, by, "domanda ritirata")
    return locked


def domanda_prefill(*, domanda: Domanda, by) -> Domanda:
    """Read ANPR and INPS outside the transaction (no lock held while waiting), then store the facts with their
    provenance. A failure of a service is a message in `dati["errori"]`, never an exception."""
    DOMANDA.check_actor(domanda, "presenta", by)
    if domanda.stato not in (StatoDomanda.BOZZA, *STATI_IN_CORSO):
        raise ValidationError("I dati si acquisiscono su una domanda in bozza o in istruttoria.")
    ctx = CallContext(operatore=by, ente=domanda.ente, assistito_id=domanda.assistito_id, motivo="domanda di bando")
    riferimento = timezone.localdate(domanda.bando.chiusura, ROME)
    declared = domanda.dati.get(FATTI_KEY, {})
    acquired = acquire(codice_fiscale=domanda.codice_fiscale, riferimento=riferimento, ctx=ctx, dichiarati=declared)
    with transaction.atomic():
        locked = _lock_domanda(domanda)
        dati = dict(locked.dati)
        dati[FATTI_KEY] = merge(dati.get(FATTI_KEY, {}), acquired.fatti)
        dati.update(isee=acquired.isee or dati.get("isee", {}), errori=acquired.errori, avvisi=acquired.avvisi)
        locked.dati = dati
        _save(locked, by, "dati acquisiti da ANPR e INPS")
        outbox_append(
            aggregate=locked,
            event_type="domanda.dati_acquisiti",
            payload={"fatti": sorted(acquired.fatti), "errori": len(acquired.errori)},
        )
    return locked


def domanda_front_desk(*, bando: Bando, by, assistito, contatti: dict[str, Any] | None = None) -> Domanda:
    """A front-desk application for a person in care: drafted in their name (canale sportello, linked to the
    assistito), data read from ANPR and INPS, submitted — all or nothing, so a refusal (duplicate, window, missing
    document) leaves no half-made draft. The reads happen inside this transaction; the row is new, so nobody waits."""
    richiedente = {
        "codice_fiscale": assistito.codice_fiscale,
        "cognome": assistito.cognome,
        "nome": assistito.nome,
        "data_nascita": assistito.data_nascita,
        "comune_residenza": assistito.comune_residenza,
    }
    with transaction.atomic():
        domanda = domanda_save_draft(
            bando=bando, by=by, richiedente=richiedente, assistito=assistito, contatti=contatti
        )
        domanda = domanda_prefill(domanda=domanda, by=by)
        return domanda_submit(domanda=domanda, by=by)


# --- istruttoria ------------------------------------------------------------------------------------------------------


@transaction.atomic
def istruttoria_assign(*, domanda: Domanda, istruttore, by) -> Domanda:
    locked = _lock_domanda(domanda)
    DOMANDA.check_actor(locked, "assegna", by)  # who assigns, before whom to
    if not has_capability(istruttore, Capability.ISTRUTTORIA_BANDI, locked.ente_id):
        raise ValidationError({"istruttore": ["L'operatore scelto non istruisce le domande di questo ente."]})
    DOMANDA.apply(locked, "assegna", by=by, payload={"istruttore": istruttore.pk})
    locked.istruttore = istruttore
    _save(locked, by, f"istruttoria assegnata a {istruttore.get_username()}")
    return locked


def _evaluate_into(domanda: Domanda, by) -> list[rules.Outcome]:
    """Evaluate the rules in force on the stored facts and write one EsitoCriterio per criterion (with history)."""
    schema = rules.parse_schema(bando_vigente(domanda.ente_id, domanda.bando_codice).schema)
    fatto_of = {c.codice: c.fatto for c in schema.criteri}
    outcomes = rules.evaluate(schema, facts_of(domanda.dati))
    operator_ids = {k: v.get("rilevato_da") for k, v in domanda.dati.get(FATTI_KEY, {}).items()}
    existing = {e.criterio: e for e in domanda.esiti.all()}
    for outcome in outcomes:
        esito = existing.pop(outcome.criterio, None) or EsitoCriterio(domanda=domanda, criterio=outcome.criterio)
        esito.tipo, esito.valore, esito.esito, esito.punti = outcome.tipo, outcome.valore, outcome.esito, outcome.punti
        esito.fonte, esito.rilevato_il, esito.nota = outcome.fonte, outcome.rilevato_il, outcome.nota[:300]
        esito.rilevato_da_id = (
            operator_ids.get(fatto_of[outcome.criterio]) if outcome.fonte == Fonte.OPERATORE else None
        )
        _save(esito, by, "criterio valutato")
    for stale in existing.values():  # a criterion dropped by a correction of the bando
        stale.delete()
    domanda.punteggio = rules.score(outcomes)
    return outcomes


def _require_istruttoria(domanda: Domanda, by) -> None:
    _require(by, Capability.ISTRUTTORIA_BANDI, domanda.ente_id, "Non si è abilitati a istruire questa domanda.")
    if domanda.stato != StatoDomanda.IN_ISTRUTTORIA:
        raise ValidationError(f"La domanda è «{domanda.get_stato_display()}»: non è in istruttoria.")


@transaction.atomic
def istruttoria_evaluate(*, domanda: Domanda, by) -> list[rules.Outcome]:
    locked = _lock_domanda(domanda)
    _require_istruttoria(locked, by)
    outcomes = _evaluate_into(locked, by)
    _save(locked, by, "criteri valutati")
    _event_valutata(locked, outcomes)
    return outcomes


def _event_valutata(domanda: Domanda, outcomes: list[rules.Outcome]) -> None:
    ammissibile = rules.eligible(outcomes)
    outbox_append(
        aggregate=domanda,
        event_type="domanda.valutata",
        payload={
            "ammissibile": ammissibile,
            "punteggio": str(domanda.punteggio),
            "da_verificare": [o.criterio for o in rules.to_verify(outcomes)],
        },
    )


@transaction.atomic
def istruttoria_set_fact(*, domanda: Domanda, fatto: str, valore: Any, reason: str, by) -> list[rules.Outcome]:
    """The operator establishes a fact (a document seen, a registry checked): provenance «operatore», with who and
    why; the criteria are evaluated again at once."""
    if not (reason or "").strip():
        raise ValidationError({"motivo": ["Indicare da dove risulta il dato (documento, verifica, …)."]})
    locked = _lock_domanda(domanda)
    _require_istruttoria(locked, by)
    if fatto not in rules.parse_schema(bando_vigente(locked.ente_id, locked.bando_codice).schema).fatti:
        raise ValidationError({"fatto": ["Il bando non valuta questo dato."]})
    dati = dict(locked.dati)
    fatti = dict(dati.get(FATTI_KEY, {}))
    fatti[fatto] = stored_fact(valore, Fonte.OPERATORE, timezone.now(), by_id=by.pk, motivo=reason.strip())
    dati[FATTI_KEY] = fatti
    locked.dati = dati
    outcomes = _evaluate_into(locked, by)
    _save(locked, by, f"dato accertato: {fatto}")
    outbox_append(aggregate=locked, event_type="domanda.dato_rettificato", payload={"fatto": fatto})
    return outcomes


@transaction.atomic
def integrazione_request(*, domanda: Domanda, testo: str, by, giorni_risposta: int = 10) -> RichiestaIntegrazione:
    """The istruttoria clock stops from now until the answer (L. 241/1990 art. 2 c. 7)."""
    if not (testo or "").strip():
        raise ValidationError({"testo": ["Scrivere che cosa si chiede di integrare."]})
    locked = _lock_domanda(domanda)
    now = timezone.now()
    scadenza = timezone.localdate(now, ROME) + timedelta(days=giorni_risposta)
    DOMANDA.apply(locked, "sospendi", by=by, payload={"scadenza": scadenza.isoformat()})
    locked.sospesa_dal = now
    _save(locked, by, "integrazione richiesta: termine sospeso")
    _diary_for_assistito(locked, by, f"Chiesta un'integrazione della domanda per il bando «{locked.bando.titolo}».")
    richiesta = RichiestaIntegrazione(domanda=locked, testo=testo.strip(), richiesta_il=now, richiesta_da=by)
    richiesta.scadenza = scadenza
    _save(richiesta, by, "integrazione richiesta")
    return richiesta


def suspended_days(dal: datetime, al: datetime) -> int:
    """Calendar days the clock stood still (Europe/Rome days: a request and answer on the same day stop nothing)."""
    return (timezone.localdate(al, ROME) - timezone.localdate(dal, ROME)).days


@transaction.atomic
def integrazione_answer(*, domanda: Domanda, risposta: str, by) -> RichiestaIntegrazione:
    """The applicant (or the front desk for them) answers: the clock restarts and the deadline moves by the days it
    stood still."""
    if not (risposta or "").strip():
        raise ValidationError({"risposta": ["Scrivere la risposta all'integrazione."]})
    locked = _lock_domanda(domanda)
    richiesta = locked.integrazioni.select_for_update().filter(risposta_il__isnull=True).last()
    now = timezone.now()
    giorni = suspended_days(locked.sospesa_dal, now) if locked.sospesa_dal else 0
    DOMANDA.apply(locked, "riprendi", by=by, payload={"giorni": giorni})
    locked.giorni_sospensione += giorni
    locked.scadenza_istruttoria = locked.scadenza_istruttoria + timedelta(days=giorni)
    locked.sospesa_dal = None
    _save(locked, by, f"integrazione ricevuta: termine spostato di {giorni} giorni")
    richiesta.risposta, richiesta.risposta_il = risposta.strip(), now
    _save(richiesta, by, "integrazione ricevuta")
    return richiesta


@transaction.atomic
def istruttoria_close(*, domanda: Domanda, by, motivazione: str = "") -> Domanda:
    """Istruita: ammessa when every requisito holds, non ammessa when one fails. Refused while any criterion is still
    «da verificare»: the operator establishes the fact first (never a silent pass or fail, not even for points)."""
    locked = _lock_domanda(domanda)
    _require_istruttoria(locked, by)
    outcomes = _evaluate_into(locked, by)
    pending = rules.to_verify(outcomes)
    if pending:
        raise ValidationError([f"Criterio «{o.criterio}» da verificare: {o.nota}" for o in pending])
    ammessa = rules.eligible(outcomes)
    failed = [o.criterio for o in outcomes if o.tipo == rules.REQUISITO and o.esito != "soddisfatto"]
    locked.esito = EsitoIstruttoria.AMMESSA if ammessa else EsitoIstruttoria.NON_AMMESSA
    locked.motivazione = motivazione.strip() or (f"Requisiti non soddisfatti: {', '.join(failed)}." if failed else "")
    DOMANDA.apply(locked, "istruisci", by=by, payload={"esito": locked.esito, "punteggio": str(locked.punteggio)})
    _save(locked, by, f"istruttoria conclusa: {locked.get_esito_display().lower()}")
    esito = locked.get_esito_display().lower()
    _diary_for_assistito(locked, by, f"Istruttoria della domanda per il bando «{locked.bando.titolo}»: {esito}.")
    return locked


@transaction.atomic
def domanda_exclude(*, domanda: Domanda, by, reason: str) -> Domanda:
    """Formal inadmissibility (e.g. an unanswered integration): the person may apply again while the window is open."""
    if not (reason or "").strip():
        raise ValidationError({"motivazione": ["Indicare il motivo dell'esclusione."]})
    locked = _lock_domanda(domanda)
    DOMANDA.apply(locked, "escludi", by=by, payload={"bando": locked.bando_id})
    locked.motivazione = reason.strip()
    _save(locked, by, "domanda esclusa")
    return locked


# --- graduatoria ------------------------------------------------------------------------------------------------------


def _graduatoria_refusal(bando: Bando) -> list[str]:
    if bando.stato != StatoBando.CHIUSO:
        return ["La graduatoria si calcola sul bando chiuso."]
    same = Domanda.objects.filter(ente_id=bando.ente_id, bando_codice=bando.codice)
    open_count = same.filter(stato__in=STATI_IN_CORSO).count()
    problems = [f"{open_count} domande sono ancora in istruttoria."] if open_count else []
    if Graduatoria.objects.filter(bando__ente_id=bando.ente_id, bando__codice=bando.codice, stato="definitiva"):
        problems.append("La graduatoria è già definitiva: si cambia solo con un nuovo provvedimento.")
    return problems


@transaction.atomic
def graduatoria_compute(*, bando: Bando, by) -> Graduatoria:
    """The provisional ranking: eligible domande ranked by score and the declared tie-breakers, amounts assigned
    until the budget runs out; the non-admitted listed without a position. Published pseudonymised at once (the
    objection period starts); a previous provisional ranking is superseded."""
    locked = _lock_bando(bando_vigente(bando.ente_id, bando.codice))
    _require(by, Capability.ISTRUTTORIA_BANDI, locked.ente_id)
    problems = _graduatoria_refusal(locked)
    if problems:
        raise ValidationError(problems)
    previous = _supersede_previous(locked, by)
    now = timezone.now()
    graduatoria = Graduatoria(bando=locked, calcolata_il=now, pubblicata_il=now, calcolata_da=by)
    _save(graduatoria, by, "graduatoria provvisoria calcolata")
    posizioni = _positions(locked, graduatoria, previous)
    PosizioneGraduatoria.objects.bulk_create(posizioni, batch_size=2000)
    finanziate = sum(1 for p in posizioni if p.importo_assegnato > 0)
    ammesse = sum(1 for p in posizioni if p.ammessa)
    outbox_append(
        aggregate=graduatoria,
        event_type="graduatoria.calcolata",
        payload={"bando": locked.pk, "ammesse": ammesse, "finanziate": finanziate},
    )
    return graduatoria


def _supersede_previous(bando: Bando, by) -> dict[int, str]:
    """Supersede the provisional ranking(s) and keep their public codes, so a domanda's code does not change."""
    codes: dict[int, str] = {}
    for old in Graduatoria.objects.select_for_update().filter(
        bando__ente_id=bando.ente_id, bando__codice=bando.codice, stato=StatoGraduatoria.PROVVISORIA
    ):
        codes |= dict(old.posizioni.values_list("domanda_id", "codice_pubblico"))
        GRADUATORIA.apply(old, "supera", by=by)
        _save(old, by, "superata da un nuovo calcolo")
    return codes


def _positions(bando: Bando, graduatoria: Graduatoria, codes: dict[int, str]) -> list[PosizioneGraduatoria]:
    schema = rules.parse_schema(bando.schema)
    rows = Domanda.objects.filter(
        ente_id=bando.ente_id, bando_codice=bando.codice, stato=StatoDomanda.ISTRUITA
    ).values_list("pk", "esito", "punteggio", "presentata_il", "protocollo_numero", "dati")
    admitted, others = [], []
    for pk, esito, punteggio, presentata_il, protocollo, dati in rows:
        codes.setdefault(pk, protocollo or f"B{bando.pk}-{secrets.token_hex(4).upper()}")
        valori = {s.fatto: dati.get(FATTI_KEY, {}).get(s.fatto, {}).get("valore") for s in schema.spareggi}
        entry = rules.Entry(pk, punteggio or Decimal(0), presentata_il, valori)
        (admitted if esito == EsitoIstruttoria.AMMESSA else others).append(entry)
    ranked = rules.rank(admitted, schema.spareggi)
    amounts = rules.award(ranked, bando.stanziamento, bando.importo_massimo, bando.assegnazione_parziale)
    posizioni = [
        PosizioneGraduatoria(
            graduatoria=graduatoria,
            domanda_id=e.id,
            posizione=i,
            punteggio=e.punteggio,
            ammessa=True,
            importo_assegnato=amount,
            codice_pubblico=codes[e.id],
        )
        for i, (e, amount) in enumerate(zip(ranked, amounts, strict=True), start=1)
    ]
    posizioni += [
        PosizioneGraduatoria(
            graduatoria=graduatoria, domanda_id=e.id, punteggio=e.punteggio, ammessa=False, codice_pubblico=codes[e.id]
        )
        for e in others
    ]
    return posizioni


@transaction.atomic
def graduatoria_finalise(*, graduatoria: Graduatoria, by) -> Graduatoria:
    locked = Graduatoria.objects.select_for_update().select_related("bando").get(pk=graduatoria.pk)
    GRADUATORIA.apply(locked, "rendi_definitiva", by=by, payload={"bando": locked.bando_id})
    locked.definitiva_il = timezone.now()
    _save(locked, by, "graduatoria definitiva")
    return locked
