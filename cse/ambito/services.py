"""The only writers of the ambito tables: UVM sessions, scales, progetti personalizzati, service assignments and
budget commitments. Each is one transaction; case-related steps also write the case's diario and outbox event."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_grant_access
from cse.cartella.actions.fasi import intervento_plan
from cse.cartella.actions.ritual import case_change, diary_entry, lock_cartella
from cse.cartella.fasi import InterventoPianificato
from cse.cartella.models import Cartella
from cse.core.codelists.privacy import BaseGiuridica, TipoDestinatario
from cse.core.external import CallContext
from cse.core.fsm import StateMachine, Transition
from cse.core.outbox import outbox_append
from cse.core.permissions import has_capability
from cse.core.roles import Capability, TipoEnte

from .glossary import LEPS_DEL_SERVIZIO, StatoDomanda, StatoSessione, TipoMembro
from .models import (
    Assegnazione,
    BandoFinanziato,
    DomandaServizio,
    Erogatore,
    Impegno,
    LineaBudget,
    MembroUVM,
    ProgettoPersonalizzato,
    ServizioAmbito,
    SessioneUVM,
    ValutazioneScala,
    VoceBudgetProgetto,
)
from .ports import osservatorio_piani_di_zona
from .scale import scala as get_scala


def _euro(value: Decimal) -> str:
    return f"€ {value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _require(user, capability: str, ente_id: int, message: str) -> None:
    if not has_capability(user, capability, ente_id):
        raise ValidationError(message)


# --- UVM --------------------------------------------------------------------------------------------------------------


def uvm_convene(
    *, cartella: Cartella, data: datetime, by, luogo: str = "", link_video: str = "", ordine_del_giorno: str = ""
) -> SessioneUVM:
    """Convene a UVM on a case the ambito owns; the convener is the first member."""
    with case_change(cartella, by=by, allow_closed=True, bump=False, related=("owner_ente",)) as change:
        locked = change.cartella
        if locked.owner_ente.tipo != TipoEnte.AMBITO:
            raise ValidationError("La UVM si convoca sulle cartelle in titolarità dell'ambito.")
        only_coordinator = "Solo il coordinatore UVM dell'ambito convoca la UVM."
        _require(by, Capability.MANAGE_UVM, locked.owner_ente_id, only_coordinator)
        sessione = SessioneUVM(
            ambito=locked.owner_ente,
            cartella=locked,
            data=data,
            luogo=luogo.strip(),
            link_video=link_video.strip(),
            ordine_del_giorno=ordine_del_giorno.strip(),
            convocata_da=by,
        )
        sessione.full_clean()
        sessione.save()
        MembroUVM.objects.create(
            sessione=sessione, tipo=TipoMembro.OPERATORE_AMBITO, user=by, nome=by.get_full_name() or by.get_username()
        )
        when = timezone.localtime(data)
        change.diary(f"Convocata la UVM per il {when:%d/%m/%Y alle %H:%M} ({luogo or link_video}).")
        change.event("cartella.uvm_convocata", {"data": when.date().isoformat()})
    return sessione


SESSION_CLOSED = "La sessione è conclusa: il verbale non si modifica più."
ONLY_COORDINATOR = "Solo il coordinatore UVM dell'ambito conduce la sessione."


def _guard_decisions(sessione: SessioneUVM) -> list[str]:
    return [] if sessione.decisioni else ["Registrare le decisioni della UVM prima di chiudere il verbale."]


# The UVM session: convened (created so by uvm_convene), then concluded once its decisions are recorded.
SESSIONE = StateMachine(
    "la sessione UVM",
    "stato",
    (
        Transition(
            "concludi",
            StatoSessione.CONVOCATA,
            StatoSessione.CONCLUSA,
            "Chiudi il verbale",
            _guard_decisions,
            capability=Capability.MANAGE_UVM,
            event="cartella.uvm_conclusa",
        ),
    ),
    states=StatoSessione,
    may=lambda sessione, by, capability: has_capability(by, capability, sessione.ambito_id),
    refuse_actor=ONLY_COORDINATOR,
    illegal=lambda sessione, transition: [SESSION_CLOSED],
)


def _lock_session(sessione: SessioneUVM, by, *, open_only: bool = True) -> SessioneUVM:
    locked = SessioneUVM.objects.select_for_update().select_related("cartella", "ambito").get(pk=sessione.pk)
    _require(by, Capability.MANAGE_UVM, locked.ambito_id, ONLY_COORDINATOR)
    if open_only and locked.stato != StatoSessione.CONVOCATA:
        raise ValidationError(SESSION_CLOSED)
    return locked


@transaction.atomic
def uvm_member_add(
    *,
    sessione: SessioneUVM,
    by,
    tipo: str,
    nome: str = "",
    user=None,
    qualifica: str = "",
    accesso_fino_al: datetime | None = None,
) -> MembroUVM:
    """Add a member. External ASL professionals get a read grant on the case that expires with their access."""
    locked = _lock_session(sessione, by)
    if tipo == TipoMembro.ASL:
        if user is None or accesso_fino_al is None:
            raise ValidationError("Per un professionista ASL indicare l'utente e la scadenza dell'accesso.")
        if accesso_fino_al <= timezone.now():
            raise ValidationError({"accesso_fino_al": ["La scadenza dell'accesso deve essere futura."]})
    elif tipo in (TipoMembro.PERSONA, TipoMembro.FAMILIARE):
        user, accesso_fino_al = None, None
    if tipo in (TipoMembro.OPERATORE_AMBITO, TipoMembro.OPERATORE_COMUNE) and user is None:
        raise ValidationError("Per un operatore indicare il suo nome utente.")
    if user is None and not nome.strip():
        raise ValidationError("Indicare il nome e cognome del membro.")
    if user is not None and locked.membri.filter(user=user).exists():
        raise ValidationError("Questa persona è già tra i membri della sessione.")
    membro = MembroUVM(
        sessione=locked,
        tipo=tipo,
        user=user,
        nome=(nome or (user.get_full_name() or user.get_username() if user else "")).strip(),
        qualifica=qualifica.strip(),
        accesso_fino_al=accesso_fino_al,
    )
    membro.full_clean()
    membro.save()
    if tipo == TipoMembro.ASL:
        cartella_grant_access(
            cartella=locked.cartella,
            user=user,
            base_giuridica=BaseGiuridica.SOCIOSANITARIA,
            destinatario=TipoDestinatario.UVM,
            expires_at=accesso_fino_al,
            reason=f"membro esterno UVM ({qualifica})",
        )
    elif tipo == TipoMembro.OPERATORE_COMUNE:  # the comune's social worker reads the case as a member of the équipe
        cartella_grant_access(
            cartella=locked.cartella,
            user=user,
            base_giuridica=BaseGiuridica.COMPITO_PUBBLICO,
            destinatario=TipoDestinatario.ENTE_PUBBLICO,
            reason="membro dell'équipe UVM",
        )
    diary_entry(locked.cartella, by, f"UVM: aggiunto il membro {membro}.")
    _broadcast(locked)
    return membro


@transaction.atomic
def uvm_attendance(*, membro: MembroUVM, presente: bool, by) -> MembroUVM:
    """Attendance: the coordinator records anyone's; a member with an account records their own."""
    sessione = SessioneUVM.objects.select_for_update().get(pk=membro.sessione_id)
    if membro.user_id != by.pk:
        _require(by, Capability.MANAGE_UVM, sessione.ambito_id, "Solo il coordinatore registra le presenze altrui.")
    if sessione.stato != StatoSessione.CONVOCATA:
        raise ValidationError(SESSION_CLOSED)
    membro.presente = presente
    membro.save()
    _broadcast(sessione)
    return membro


@transaction.atomic
def uvm_update_minutes(*, sessione: SessioneUVM, by, ordine_del_giorno: str, decisioni: str, version: int | None):
    locked = _lock_session(sessione, by)
    if version is not None and locked.version != version:
        raise ValidationError("La sessione è stata modificata nel frattempo: ricaricare la pagina e riprovare.")
    locked.ordine_del_giorno, locked.decisioni = ordine_del_giorno.strip(), decisioni.strip()
    locked.version += 1
    locked.save()
    _broadcast(locked)
    return locked


@transaction.atomic
def uvm_scale_record(*, sessione: SessioneUVM, scala: str, risposte: dict, by) -> ValutazioneScala:
    """Record the answers to one scale; the score is computed from them (typed scores do not exist)."""
    locked = _lock_session(sessione, by)
    definizione = get_scala(scala)
    punteggio, fascia = definizione.punteggio(risposte)
    valutazione, _ = ValutazioneScala.objects.get_or_create(
        sessione=locked, scala=scala, defaults={"punteggio": punteggio, "fascia": fascia, "compilata_da": by}
    )
    valutazione.risposte, valutazione.punteggio, valutazione.fascia = dict(risposte), punteggio, fascia
    valutazione.compilata_da = by
    valutazione.save()
    diary_entry(locked.cartella, by, f"UVM: {definizione.nome} = {punteggio}/{definizione.massimo} ({fascia}).")
    outbox_append(
        aggregate=locked.cartella,
        event_type="cartella.uvm_valutazione",
        payload={"scala": scala, "punteggio": punteggio},
    )
    _broadcast(locked)
    return valutazione


@transaction.atomic
def uvm_progetto_save(
    *,
    sessione: SessioneUVM,
    by,
    obiettivi: str,
    interventi: str,
    referente: str,
    data_verifica: date,
    durata_mesi: int = 12,
    budget: list[tuple[str, str, Decimal]] = (),
) -> ProgettoPersonalizzato:
    """The progetto personalizzato and its budget di progetto (fonte, descrizione, importo) as one unit."""
    locked = _lock_session(sessione, by)
    progetto = ProgettoPersonalizzato.objects.filter(sessione=locked).first() or ProgettoPersonalizzato(sessione=locked)
    progetto.obiettivi, progetto.interventi, progetto.referente = obiettivi.strip(), interventi.strip(), referente
    progetto.data_verifica, progetto.durata_mesi = data_verifica, durata_mesi
    progetto.full_clean()
    progetto.save()
    progetto.budget.all().delete()
    for fonte, descrizione, importo in budget:
        voce = VoceBudgetProgetto(progetto=progetto, fonte=fonte, descrizione=descrizione, importo=importo)
        voce.full_clean()
        voce.save()
    totale = progetto.budget_totale
    diary_entry(locked.cartella, by, f"UVM: progetto personalizzato definito, budget di progetto {_euro(totale)}.")
    outbox_append(
        aggregate=locked.cartella,
        event_type="cartella.progetto_personalizzato",
        payload={"importo_previsto": str(totale), "data": data_verifica.isoformat()},
    )
    _broadcast(locked)
    return progetto


@transaction.atomic
def uvm_close(*, sessione: SessioneUVM, by) -> SessioneUVM:
    locked = SessioneUVM.objects.select_for_update().select_related("cartella", "ambito").get(pk=sessione.pk)
    SESSIONE.apply(locked, "concludi", by=by, aggregate=locked.cartella)
    locked.save()
    diary_entry(locked.cartella, by, "UVM conclusa: verbale chiuso.")
    _broadcast(locked)
    return locked


def _broadcast(sessione: SessioneUVM) -> None:
    """After commit, tell the board's websocket group to refresh (the consumer re-checks access per message)."""
    from .realtime import board_changed

    transaction.on_commit(lambda: board_changed(sessione.pk))


# --- Servizi d'ambito e liste d'attesa -------------------------------------------------------------------------------


# A request for an ambito service: waiting, then assigned a place (the Ufficio di Piano's step, checked by the caller).
DOMANDA = StateMachine(
    "la domanda di servizio",
    "stato",
    (
        Transition(
            "assegna",
            StatoDomanda.IN_ATTESA,
            StatoDomanda.ASSEGNATA,
            "Assegna al servizio",
            capability=Capability.MANAGE_PIANO,
        ),
    ),
    states=StatoDomanda,
    illegal=lambda domanda, transition: ["La domanda non è più in lista d'attesa."],
)


def servizio_waitlist_add(
    *, servizio: ServizioAmbito, cartella: Cartella, priorita: int, motivazione: str, by
) -> DomandaServizio:
    _require(by, Capability.MANAGE_PIANO, servizio.ambito_id, "Solo l'Ufficio di Piano gestisce le liste d'attesa.")
    with case_change(cartella, by=by, allow_closed=True, bump=False, related=("owner_ente",)) as change:
        locked = change.cartella
        if locked.owner_ente_id != servizio.ambito_id:
            raise ValidationError("Il servizio è dell'ambito: la cartella deve essere in titolarità dell'ambito.")
        if DomandaServizio.objects.filter(servizio=servizio, cartella=locked, stato=StatoDomanda.IN_ATTESA).exists():
            raise ValidationError("La persona è già in lista d'attesa per questo servizio.")
        domanda = DomandaServizio(
            servizio=servizio, cartella=locked, priorita=priorita, motivazione=motivazione.strip(), inserita_da=by
        )
        domanda.full_clean()
        domanda.save()
        change.diary(f"Inserita in lista d'attesa per {servizio} (priorità {domanda.get_priorita_display()}).")
        change.event("cartella.lista_attesa", {"codice": servizio.voce.codice})
    return domanda


@transaction.atomic
def servizio_assign(
    *,
    domanda: DomandaServizio,
    erogatore: Erogatore,
    dal: date,
    importo: Decimal,
    by,
    ore_previste: Decimal | None = None,
) -> Assegnazione:
    """Assign the person to the service: a free place, an intervention planned in the case, a commitment on the
    service's budget line — all or nothing (an over-committed line refuses the whole assignment)."""
    domanda = DomandaServizio.objects.select_for_update().select_related("servizio").get(pk=domanda.pk)
    servizio = ServizioAmbito.objects.select_for_update().select_related("voce").get(pk=domanda.servizio_id)
    _require(by, Capability.MANAGE_PIANO, servizio.ambito_id, "Solo l'Ufficio di Piano assegna i posti dei servizi.")
    problems = DOMANDA.refusal(domanda, "assegna")
    if problems:
        raise ValidationError(problems)
    if not servizio.erogatori.filter(pk=erogatore.pk).exists():
        raise ValidationError({"erogatore": ["Questo erogatore non gestisce il servizio."]})
    occupati = servizio.posti_occupati()
    if occupati >= servizio.capacita:
        raise ValidationError(
            f"Il servizio è al completo ({occupati} posti su {servizio.capacita}): la persona resta in lista d'attesa."
        )
    if servizio.linea_budget_id is None:
        raise ValidationError("Il servizio non ha una linea di budget del piano di zona su cui impegnare la spesa.")
    linea = LineaBudget.objects.select_for_update().get(pk=servizio.linea_budget_id)
    _refuse_over_commitment(linea, importo)
    intervento = intervento_plan(
        cartella=domanda.cartella,
        data={
            "voce": servizio.voce,
            "responsabile": erogatore.denominazione,
            "entro_il": dal,
            "ore_previste": ore_previste,
            "importo_previsto": importo,
            "fonte": linea.fonte,
            "modulo_leps": LEPS_DEL_SERVIZIO.get(servizio.tipo, ""),
        },
        by=by,
        version=None,
    )
    Impegno.objects.create(linea=linea, intervento=intervento, importo=importo, impegnato_da=by)
    assegnazione = Assegnazione(
        servizio=servizio,
        cartella=domanda.cartella,
        domanda=domanda,
        erogatore=erogatore,
        dal=dal,
        intervento=intervento,
    )
    assegnazione.full_clean()
    assegnazione.save()
    DOMANDA.apply(domanda, "assegna", by=by)
    domanda.save()
    diary_entry(domanda.cartella, by, f"Assegnata al servizio {servizio} ({erogatore}), impegno {_euro(importo)}.")
    return assegnazione


def _refuse_over_commitment(linea: LineaBudget, importo: Decimal) -> None:
    """Called with the line locked (select_for_update), so two commitments cannot both pass the check."""
    if importo is None or importo <= 0:
        raise ValidationError({"importo": ["Indicare un importo positivo da impegnare."]})
    residuo = linea.residuo()
    if importo > residuo:
        raise ValidationError(
            f"Impegno rifiutato: sulla linea «{linea}» restano {_euro(residuo)}, "
            f"l'impegno richiesto è di {_euro(importo)}. Nessun dato è stato registrato."
        )


@transaction.atomic
def budget_commit(*, intervento: InterventoPianificato, linea: LineaBudget, importo: Decimal, by) -> Impegno:
    """Commit a budget line to an intervention already planned in a case the ambito owns."""
    linea = LineaBudget.objects.select_for_update().get(pk=linea.pk)
    _require(by, Capability.MANAGE_PIANO, linea.ambito_id, "Solo l'Ufficio di Piano impegna il budget.")
    if intervento.cartella.owner_ente_id != linea.ambito_id:
        raise ValidationError("L'intervento non appartiene a una cartella dell'ambito.")
    if Impegno.objects.filter(intervento=intervento).exists():
        raise ValidationError("L'intervento ha già un impegno di spesa.")
    _refuse_over_commitment(linea, importo)
    impegno = Impegno.objects.create(linea=linea, intervento=intervento, importo=importo, impegnato_da=by)
    cartella = lock_cartella(intervento.cartella)  # after the line: the order servizio_assign locks them in
    diary_entry(cartella, by, f"Impegnati {_euro(importo)} sulla linea «{linea}».")
    outbox_append(
        aggregate=cartella,
        event_type="cartella.impegno_spesa",
        payload={"intervento": intervento.pk, "fonte": linea.fonte, "importo": str(importo)},
    )
    return impegno


@transaction.atomic
def budget_line_create(*, ambito, anno: int, fonte: str, intervento_pdz: str, programmato: Decimal, by) -> LineaBudget:
    _require(by, Capability.MANAGE_PIANO, ambito.pk, "Solo l'Ufficio di Piano gestisce il piano di zona.")
    linea = LineaBudget(ambito=ambito, anno=anno, fonte=fonte, intervento_pdz=intervento_pdz, programmato=programmato)
    linea.full_clean()
    linea.save()
    return linea


# --- Piano di zona: import from the Osservatorio regionale ---------------------------------------------------------

# The Osservatorio names funding sources in words (contract docs/interop/osservatorio.md); the budget uses codes.
FONTI_OSSERVATORIO = {
    "fnps": "fnps",
    "fondo povertà": "poverta",
    "fondo poverta": "poverta",
    "fna": "fna",
    "fondo non autosufficienze": "fna",
    "dopo di noi": "dopo_di_noi",
    "fondo dopo di noi": "dopo_di_noi",
    "pn inclusione": "pn_inclusione",
    "pnrr": "pnrr",
    "fondi regionali": "regionale",
    "regionale": "regionale",
    "fondi comunali": "comunale",
    "comunale": "comunale",
}
IMPORT_REASON = "Importato dall'Osservatorio piani di zona"
CODICE_PDZ_MAX = LineaBudget._meta.get_field("codice_pdz").max_length


def _parse_intervento(row: dict, anno: int) -> tuple[str, str, str, Decimal]:
    try:
        codice = str(row["codice"]).strip()
        denominazione = str(row["denominazione"]).strip()
        fonte_testo = str(row["fonte"]).strip()
        programmato = Decimal(str(row["programmato"]))
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise ValidationError(
            f"I dati dell'Osservatorio per il piano di zona {anno} sono incompleti: nessuna linea è stata modificata."
        ) from exc
    fonte = FONTI_OSSERVATORIO.get(fonte_testo.casefold())
    if not codice or not denominazione:
        raise ValidationError(
            "Un intervento dell'Osservatorio non ha codice o denominazione: nessuna linea è stata modificata."
        )
    if len(codice) > CODICE_PDZ_MAX:
        raise ValidationError(
            f"Il codice «{codice[:CODICE_PDZ_MAX]}…» dell'Osservatorio supera {CODICE_PDZ_MAX} caratteri: "
            "nessuna linea è stata modificata."
        )
    if fonte is None:
        raise ValidationError(
            f"Fonte di finanziamento «{fonte_testo}» dell'intervento {codice} non riconosciuta: "
            "nessuna linea è stata modificata."
        )
    if not programmato.is_finite() or programmato < 0 or programmato != programmato.quantize(Decimal("0.01")):
        raise ValidationError(f"Importo programmato non valido per l'intervento {codice}: nessuna linea modificata.")
    return codice, denominazione, fonte, programmato


@transaction.atomic
def budget_import_pdz(*, ambito, anno: int, interventi: list[dict], by) -> dict[str, int]:
    """Create or update the ambito's budget lines from the piano di zona interventions (one transaction).

    Idempotent: a line is found again by year and Osservatorio code (`codice_pdz`; the first time also a line typed
    by hand, without a code, with the same source and the denomination as name), so a re-import updates amounts
    and never duplicates. The name is a free label: set to the denomination when the import creates the line, then
    never changed by a re-import (the Ufficio di Piano may rename it). A programmed amount below what the cartelle
    already committed on that line refuses the whole import: nothing is written.
    """
    _require(by, Capability.MANAGE_PIANO, ambito.pk, "Solo l'Ufficio di Piano gestisce il piano di zona.")
    parsed = [_parse_intervento(row, anno) for row in interventi]
    codes = [p[0] for p in parsed]
    if len(set(codes)) != len(codes):
        raise ValidationError("L'Osservatorio ha indicato due volte lo stesso intervento: nessuna linea modificata.")
    lines = list(LineaBudget.objects.select_for_update().filter(ambito=ambito, anno=anno))
    summary = {"create": 0, "aggiornate": 0, "invariate": 0}
    for codice, denominazione, fonte, programmato in parsed:
        linea = next((x for x in lines if x.codice_pdz == codice), None)
        if linea is None:
            linea = next(
                (x for x in lines if not x.codice_pdz and x.fonte == fonte and x.intervento_pdz == denominazione),
                None,
            )
        if linea is None:
            linea = LineaBudget(
                ambito=ambito,
                anno=anno,
                fonte=fonte,
                intervento_pdz=denominazione[:200],
                codice_pdz=codice,
                programmato=programmato,
            )
            lines.append(linea)
            summary["create"] += 1
        else:
            if (linea.codice_pdz, linea.fonte, linea.programmato) == (codice, fonte, programmato):
                summary["invariate"] += 1
                continue
            impegnato = linea.impegnato()
            if programmato < impegnato:
                raise ValidationError(
                    f"Importazione rifiutata: per «{linea}» l'Osservatorio indica {_euro(programmato)}, ma sono già "
                    f"impegnati {_euro(impegnato)} nelle cartelle. Nessuna linea è stata modificata."
                )
            if linea.fonte != fonte and linea.impegni.exists():
                raise ValidationError(
                    f"Importazione rifiutata: l'Osservatorio cambia la fonte di «{linea}», che ha già impegni. "
                    "Nessuna linea è stata modificata."
                )
            linea.codice_pdz, linea.fonte, linea.programmato = codice, fonte, programmato
            summary["aggiornate"] += 1
        linea._change_reason = IMPORT_REASON
        linea._history_user = by
        linea.full_clean()
        linea.save()
    return summary


def import_piano_di_zona(ambito, anno: int, operator) -> dict[str, int]:
    """Ask the Osservatorio (port OsservatorioPianiDiZona) for the ambito's piano di zona of `anno` and
    create/update its budget lines.

    The call happens before (outside) the budget transaction; an external failure raises InteropError (Italian
    message, nothing written: the Ufficio di Piano can keep entering lines by hand), a refused import raises
    ValidationError (also nothing written)."""
    if not has_capability(operator, Capability.MANAGE_PIANO, ambito.pk) or ambito.ambito_id is None:
        raise ValidationError("Solo l'Ufficio di Piano dell'ambito importa il piano di zona.")
    ctx = CallContext(operatore=operator, ente=ambito, motivo=f"piano di zona {anno}", luogo=ambito.nome)
    interventi = osservatorio_piani_di_zona().interventi_piano_di_zona(ambito.ambito.codice, int(anno), ctx)
    return budget_import_pdz(ambito=ambito, anno=int(anno), interventi=interventi, by=operator)


@transaction.atomic
def bando_budget_link(*, bando, linea: LineaBudget, by) -> BandoFinanziato:
    """The Ufficio di Piano finances one of the ambito's bandi from a piano di zona line: the bando's stanziamento is
    committed on the line at once (refused over the line's residual, showing it)."""
    from cse.bandi.liquidazione.selectors import bando_figures

    linea = LineaBudget.objects.select_for_update().get(pk=linea.pk)
    _require(by, Capability.MANAGE_PIANO, linea.ambito_id, "Solo l'Ufficio di Piano collega i bandi al budget.")
    if bando.ente_id != linea.ambito_id:
        raise ValidationError("Il bando non è dell'ambito della linea di budget.")
    if BandoFinanziato.objects.filter(bando__ente_id=bando.ente_id, bando__codice=bando.codice).exists():
        raise ValidationError("Il bando è già finanziato da una linea del piano di zona.")
    importo = bando_figures(bando).impegnato
    residuo = linea.residuo()
    if importo > residuo:
        raise ValidationError(
            f"Collegamento rifiutato: sulla linea «{linea}» restano {_euro(residuo)}, "
            f"il bando ne impegna {_euro(importo)}. Nessun dato è stato registrato."
        )
    link = BandoFinanziato(linea=linea, bando=bando, collegato_da=by)
    link._history_user = by
    link.full_clean()
    link.save()
    outbox_append(
        aggregate=linea,
        event_type="lineabudget.bando_collegato",
        payload={"bando": bando.pk, "importo": str(importo)},
    )
    return link
