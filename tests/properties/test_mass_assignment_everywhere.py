"""Mass assignment, everywhere: every POST form of the operator, ambito, citizen and regional areas and every API
body, posted once as the page posts it and again with Hypothesis-drawn extra fields (owner, ente, comune, state,
phase, ids, numbers, version …, with values that include other enti's ids), must leave the database exactly as the
plain post does: same owners, comuni, phases, numbers and links of every row of every model it touches.

The routes are enumerated from the URL resolver: a new route of these areas fails the registry test until it has a
valid-body recipe here (or is declared GET-only / not a data form, with the reason).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models, router, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.models import Assistito, Cartella
from cse.cittadino.selectors import free_slots
from cse.core.reauth import RECENT_AUTH_KEY
from tests.support.factories import anagrafica_form_data
from tests.support.routes import walk

AREAS = ("locale", "ambito", "regionale", "siuss", "cittadino")
CORE_ROUTES = {
    "home",
    "reauth",
    "otp_verify",
    "otp_setup",
    "ente_operatori",
    "incarico_revoca",
    "codice_attivazione_emetti",
    "ente_accessi",
    "ente_accessi_csv",
    "ente_storico",
    "accesso_emergenza",
    "vigilanza",
    "accesso_emergenza_revisione",
    "segnalazione_chiusura",
    "approvazioni",
    "approvazione",
    "ente_approvazioni",
    "oggi",
    "oggi_riepilogo",
}

EXTRA_KEYS = [
    "owner_ente",
    "owner_ente_id",
    "ente",
    "ente_id",
    "comune",
    "comune_id",
    "comune_residenza",
    "ambito",
    "stato",
    "fase",
    "state",
    "id",
    "pk",
    "cartella",
    "cartella_id",
    "assistito",
    "assistito_id",
    "numero",
    "numerata_da",
    "created_by",
    "user",
    "autore",
    "by",
    "case_manager",
    "version",
    "slot",
    "cittadino",
    "codice",
    "codice_fiscale",
    "richiesto_da",
    "deciso_da",
    "riaperta_da",
    "unito_a",
]
STATE_VALUES = ["chiusa", "erogazione", "accettato", "riconsegnato", "confermata", "annullata", "assente", "", "1"]


@dataclass
class Post:
    user: object | None  # None: anonymous; a Cittadino's user for the citizen area
    url: str
    data: dict = field(default_factory=dict)
    json: bool = False
    reauth: bool = False
    headers: Callable[[], dict] = dict
    nest: Callable[[dict, dict], dict] | None = None  # where extra fields go in a JSON body
    prefix: str = ""  # the form's prefix: extra fields are also posted under it ("regola-stato" …)


# --- the database fingerprint --------------------------------------------------------------------------------------

SENSITIVE = {"stato", "fase", "numero", "codice_fiscale", "version", "esito", "attivo", "ruolo", "tipo"}


def _tracked_models() -> list[type[models.Model]]:
    """The project's models, object permissions, history, and the user model: rows linking to a user created by the
    post (an operator's profile) compare as "new" only if users are tracked too (PostgreSQL does not reuse the ids
    of rolled-back rows)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("cse.")
        or m._meta.app_label in ("guardian",)
        or "Historical" in m.__name__
        or m is user_model
    ]


def _fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if (f.is_relation and f.many_to_one) or f.one_to_one or f.name in SENSITIVE
    ]


def high_water() -> dict:
    return {m: (m.objects.using(router.db_for_read(m)).aggregate(x=models.Max("pk"))["x"] or 0) for m in MODELS}


def shape() -> dict:
    """Cheap, for every model: row count and highest id."""
    out = {}
    for m in MODELS:
        agg = m.objects.using(router.db_for_read(m)).aggregate(n=models.Count("pk"), x=models.Max("pk"))
        out[m._meta.label] = (agg["n"], agg["x"])
    return out


def fingerprint(base: dict, only) -> dict:
    """Per model of `only`: the multiset of its rows' owners, links, phases and numbers; rows created after `base`
    (and links to them) are named "new" so that two posts creating the same rows compare equal."""
    out = {}
    for model in only:
        cols = _fields(model)
        names = [f.attname for f in cols]
        rows = []
        for values in model.objects.using(router.db_for_read(model)).values_list("pk", *names):
            pk, rest = values[0], list(values[1:])
            for n, f in enumerate(cols):
                target = f.related_model if f.is_relation else None
                if target in base and rest[n] is not None and isinstance(rest[n], int) and rest[n] > base[target]:
                    rest[n] = "new"
            rows.append(("new" if isinstance(pk, int) and pk > base[model] else pk, *map(str, rest)))
        out[model._meta.label] = sorted(rows, key=str)
    return out


MODELS: list = []
KEY_MODELS: list = []  # always compared row by row: cases, people, requests, bookings, grants
# rows every read adds, and the claim of a create form's one-time token: they do not show that the body was accepted
NOT_A_WRITE = {"core.AccessLog", "core.SubmissionToken"}


def post_and_fingerprint(client, post: Post, extra: dict, only=None) -> tuple[int, dict, dict]:
    """The post, in savepoints on both databases that are rolled back after the fingerprint is taken."""
    cache.clear()  # rate limits
    base = high_water()
    with transaction.atomic(), transaction.atomic(using="regionale"):
        if post.user is None:
            client.logout()
        else:
            client.force_login(post.user)
            if post.reauth:
                session = client.session
                session[RECENT_AUTH_KEY] = time.time()
                session.save()
        if post.json:
            body = post.nest(post.data, extra) if post.nest else {**post.data, **extra}
            response = client.post(post.url, json.dumps(body), content_type="application/json", **post.headers())
        else:
            response = client.post(post.url, post.data | extra, **post.headers())
        after = shape()
        touched = [m for m in MODELS if after[m._meta.label] != BEFORE_SHAPE[m._meta.label]] if only is None else only
        result = response.status_code, after, fingerprint(base, [*KEY_MODELS, *touched])
        transaction.set_rollback(True, using="regionale")
        transaction.set_rollback(True)
    return result


BEFORE_SHAPE: dict = {}


# --- the recipes: a valid body per POST route ----------------------------------------------------------------------


def _case_in(w, stato: str) -> Cartella:
    """A fresh A1 case moved to `stato` through the services."""
    from tests.support.casework import walk_case_to

    case = cartella_open(assistito=w.assistiti["A1"], by=w.user("A1", "assistente_sociale"))
    return walk_case_to(case, stato, by=w.user("A1", "assistente_sociale"))


def _u(w, key, ruolo="assistente_sociale"):
    return w.user(key, ruolo)


def _prefixed(prefix: str, **fields) -> dict:
    """A prefixed form's body as the page posts it ("regola-giorno" …)."""
    return {f"{prefix}-{k}": v for k, v in fields.items()}


class _Upload(dict):
    """A body with a fresh file object on every post (a read file cannot be posted twice)."""

    def __init__(self, *, file: Callable[[], object], **fields):
        super().__init__(fields)
        self.file = file

    def __or__(self, other):
        return {**self, **other, "file": self.file()}


def _fresh(case: Cartella) -> Cartella:
    """The case as stored now: the territory's object is stale (its content was added after it was read), and a stale
    version makes the form refuse the body."""
    return Cartella.objects.get(pk=case.pk)


def r_accesso(w):
    case = _fresh(w.cartelle["A1"])
    return Post(
        _u(w, "A1"),
        reverse("locale:accesso", kwargs={"pk": case.pk}),
        {
            "data_accesso": "2026-11-20",
            "canale": "spontaneo",
            "interlocutore": "persona",
            "richiesta": "aiuto",
            "area": "poverta",
            "esito": "",
            "version": case.version,
        },
    )


def r_valutazione(w):
    from tests.support.casework import complete_record

    case = _case_in(w, S.VALUTAZIONE)
    return Post(
        _u(w, "A1"),
        reverse("locale:valutazione", kwargs={"pk": case.pk}),
        {
            **complete_record("valutazione"),
            "data_valutazione": timezone.localdate().isoformat(),
            "version": case.version,
        },
    )


def r_progetto(w):
    case = _case_in(w, S.PROGETTO)
    return Post(
        _u(w, "A1"),
        reverse("locale:progetto", kwargs={"pk": case.pk}),
        {"obiettivi": "Autonomia", "version": case.version},
    )


def r_chiusura(w):
    case = _fresh(w.cartelle["A1"])
    return Post(
        _u(w, "A1"),
        reverse("locale:chiusura", kwargs={"pk": case.pk}),
        {"motivo": "informazione", "esito_obiettivi": "non_applicabile", "version": case.version},
    )


def r_transizione(w):
    case = _case_in(w, S.ACCESSO)
    from tests.support.casework import fill_for_next

    fill_for_next(case, by=_u(w, "A1"))
    case.refresh_from_db()
    return Post(
        _u(w, "A1"),
        reverse("locale:transizione", kwargs={"pk": case.pk}),
        {"target": S.VALUTAZIONE, "version": case.version},
    )


def r_case_manager(w):
    case = _fresh(w.cartelle["A1"])
    return Post(
        _u(w, "A1"),
        reverse("locale:case_manager", kwargs={"pk": case.pk}),
        {"case_manager": _u(w, "A1", "responsabile").pk, "version": case.version},
    )


def r_riapertura(w):
    case = _case_in(w, S.CHIUSA)
    return Post(_u(w, "A1"), reverse("locale:riapertura", kwargs={"pk": case.pk}))


def r_intervento(w):
    from cse.cartella.fasi import VoceNomenclatore

    case = _case_in(w, S.PROGETTO)
    voce = VoceNomenclatore.objects.get(codice="A2.07")
    return Post(
        _u(w, "A1"),
        reverse("locale:intervento_nuovo", kwargs={"pk": case.pk}),
        {"voce": voce.pk, "ore_previste": "10", "fonte": "fnps", "version": case.version},
    )


def r_prestazione(w):
    from cse.cartella.fasi import VoceNomenclatore

    case = _case_in(w, S.EROGAZIONE)
    voce = VoceNomenclatore.objects.get(codice="A2.07")
    return Post(
        _u(w, "A1"),
        reverse("locale:prestazione_nuova", kwargs={"pk": case.pk}),
        {
            "voce": voce.pk,
            "carattere": 1,
            "data_inizio": (timezone.localdate() - timedelta(days=10)).isoformat(),
            "quantita": "10",
            "unita": "ore",
            "importo": "200.00",
            "fonte": "fnps",
            "erogatore": "Cooperativa",
            "version": case.version,
        },
    )


def r_prestazione_fine(w):
    case = _case_in(w, S.EROGAZIONE)
    prestazione = case.prestazioni.filter(data_fine__isnull=True).first()
    if prestazione is None:
        from tests.support.casework import register_prestazione

        prestazione = register_prestazione(case, by=_u(w, "A1"))
    case.refresh_from_db()
    return Post(
        _u(w, "A1"),
        reverse("locale:prestazione_fine", kwargs={"pk": prestazione.pk}),
        {"data_fine": timezone.localdate().isoformat(), "version": case.version},
    )


def r_scadenza_nuova(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:scadenza_nuova", kwargs={"pk": w.cartelle["A1"].pk}),
        {"tipo": "promemoria", "scadenza": (timezone.localdate() + timedelta(days=5)).isoformat(), "note": "chiamare"},
    )


def r_scadenza_chiusura(w):
    from cse.cartella.actions.scadenze import scadenza_add

    case = w.cartelle["A1"]
    due = timezone.localdate() + timedelta(days=5)
    scadenza = scadenza_add(cartella=case, tipo="promemoria", due=due, by=_u(w, "A1"))
    return Post(_u(w, "A1"), reverse("locale:scadenza_chiusura", kwargs={"pk": scadenza.pk}), {"azione": "fatta"})


def r_diario(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:diario", kwargs={"pk": w.cartelle["A1"].pk}),
        {"tipo": "nota", "data_evento": "2026-11-20", "testo": "nota"},
    )


def r_diario_oscura(w):
    voce = w.cartelle["A1"].diario.filter(tipo="colloquio").first()
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:diario_oscura", kwargs={"pk": voce.pk}),
        {"reason": "Dato inserito per errore"},
    )


def r_documento_oscura(w):
    documento = w.cartelle["A1"].documenti.first()
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:documento_oscura", kwargs={"pk": documento.pk}),
        {"reason": "Richiesta della persona prot. 5/2026"},
    )


def r_assistito_edit(w):
    person = Assistito.objects.get(pk=w.assistiti["A1"].pk)  # the version as stored now (the territory moved it on)
    return Post(
        _u(w, "A1"),
        reverse("locale:assistito_edit", kwargs={"pk": person.pk}),
        anagrafica_form_data(person, nome="Lucio"),
    )


def r_cartella_nuova(w):
    return Post(_u(w, "A1"), reverse("locale:cartella_nuova", kwargs={"pk": w.assistiti["A1"].pk}))


def r_trasferimento(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:trasferimento", kwargs={"pk": w.cartelle["A1"].pk}),
        {"motivo": "Caso complesso"},
        reauth=True,
    )


def r_assistito_create(w):
    from cse.demo.synthetic import codice_fiscale_for

    cf = codice_fiscale_for("Nuovi", "Carla", "F", __import__("datetime").date(1980, 5, 2), "F284")
    return Post(
        _u(w, "A1"),
        reverse("locale:assistito_create"),
        {
            "ente": w.enti["A1"].pk,
            "cognome": "Nuovi",
            "nome": "Carla",
            "sesso": "F",
            "data_nascita": "1980-05-02",
            "luogo_nascita": "F284",
            "codice_fiscale": cf,
            "comune_residenza": "072029",
            "confirm_not_duplicate": "on",
        },
    )


def r_ambito_trasferimento(w):
    richiesta = w.richieste["A2"]
    return Post(
        _u(w, "AMB_A", "ufficio_di_piano"),
        reverse("ambito:trasferimento", kwargs={"pk": richiesta.pk}),
        {"decisione": "accetta", "motivo": ""},
        reauth=True,
    )


def r_uvm_nuova(w):
    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"),
        reverse("ambito:uvm_nuova", kwargs={"pk": w.cartelle["AMB_A"].pk}),
        {
            "data": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "luogo": "Sede",
            "ordine_del_giorno": "Valutazione",
        },
    )


def r_uvm_membro(w):
    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"),
        reverse("ambito:uvm_membro", kwargs={"pk": w.sessioni["AMB_A"].pk}),
        {"tipo": "familiare", "nome": "Rosa Quaranta", "qualifica": "figlia"},
    )


def r_uvm_presenza(w):
    membro = w.sessioni["AMB_A"].membri.first()
    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"), reverse("ambito:uvm_presenza", kwargs={"pk": membro.pk}), {"presente": "1"}
    )


def r_uvm_verbale(w):
    sessione = w.sessioni["AMB_A"]
    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"),
        reverse("ambito:uvm_verbale", kwargs={"pk": sessione.pk}),
        {"ordine_del_giorno": "Valutazione", "decisioni": "Progetto", "version": getattr(sessione, "version", "")},
    )


def r_servizio(w):
    """A second service of the ambito: the case already waits for the territory's one (a person waits once per
    service)."""
    from cse.ambito.models import ServizioAmbito

    first = w.servizi["AMB_A"]
    servizio = ServizioAmbito.objects.create(
        ambito=w.enti["AMB_A"], tipo=first.tipo, nome="SAD bis", capacita=1, voce=first.voce
    )
    return Post(
        _u(w, "AMB_A", "ufficio_di_piano"),
        reverse("ambito:servizio", kwargs={"pk": servizio.pk}),
        {"cartella": w.cartelle["AMB_A"].pk, "priorita": 1, "motivazione": "urgente"},
    )


def r_domanda_assegna(w):
    """A case of the ambito at the progetto phase (the assignment plans an intervention in it: refused at accesso)
    on the service's waiting list."""
    from cse.ambito.models import DomandaServizio
    from cse.cartella.actions.cartella import cartella_move_ownership

    manager = _u(w, "A1")
    case = cartella_move_ownership(
        cartella=_case_in(w, S.PROGETTO),
        to_ente=w.enti["AMB_A"],
        by=manager,
        reason="caso complesso",
        keep_access_for=[manager],
    )
    domanda = DomandaServizio.objects.create(
        servizio=w.servizi["AMB_A"], cartella=case, inserita_da=_u(w, "AMB_A", "coordinatore_uvm")
    )
    return Post(
        _u(w, "AMB_A", "ufficio_di_piano"),
        reverse("ambito:domanda_assegna", kwargs={"pk": domanda.pk}),
        {
            "erogatore": w.servizi["AMB_A"].erogatori.first().pk,
            "dal": timezone.localdate().isoformat(),
            "importo": "100",
        },
    )


def r_budget(w):
    return Post(
        _u(w, "AMB_A", "ufficio_di_piano"),
        reverse("ambito:budget"),
        {"anno": 2026, "fonte": "fnps", "intervento_pdz": "Centri diurni", "programmato": "5000"},
    )


def r_incarico_revoca(w):
    from cse.core.models import Incarico

    incarico = Incarico.objects.get(ente=w.enti["A1"], operatore__user=_u(w, "A1", "segretariato"))
    return Post(_u(w, "A1", "amministratore_ente"), reverse("incarico_revoca", kwargs={"pk": incarico.pk}))


def r_ente_operatori(w):
    from datetime import date

    from cse.demo.synthetic import codice_fiscale_for

    return Post(
        _u(w, "A1", "amministratore_ente"),
        reverse("ente_operatori", kwargs={"pk": w.enti["A1"].pk}),
        {
            "username": "nuovo.operatore",
            "first_name": "Nuovo",
            "last_name": "Operatore",
            "email": "nuovo@example.invalid",
            "codice_fiscale": codice_fiscale_for("Operatore", "Nuovo", "M", date(1980, 1, 1), "F284"),
            "ruolo": "segretariato",
            "password": "Prova-Sicura-2026!",
        },
    )


def r_revisione(w):
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("accesso_emergenza_revisione", kwargs={"pk": w.emergenze["A1"].pk}),
        {"esito": "giustificato", "nota": "ok"},
    )


def r_segnalazione(w):
    return Post(
        _u(w, "A1", "amministratore_ente"),  # the alert is about A1's responsabile: another reviewer closes it
        reverse("segnalazione_chiusura", kwargs={"pk": w.segnalazioni["A1"].pk}),
        {"nota": "Verificato: turno serale"},
    )


def r_approvazione(w):
    return Post(
        _u(w, "A1", "responsabile"),  # asked by A1's social worker: its responsabile decides
        reverse("approvazione", kwargs={"pk": w.approvazioni["A1"].pk}),
        {"passo": "respingi", "motivo": "Manca la verifica con la famiglia"},
    )


def r_ente_approvazioni(w):
    rules = {f"{azione}-ruolo_approvatore": "responsabile" for azione in ("trasferimento", "unione", "avvio_progetto")}
    return Post(
        _u(w, "A1", "amministratore_ente"),
        reverse("ente_approvazioni", kwargs={"pk": w.enti["A1"].pk}),
        {**rules, "chiusura-attiva": "on", "chiusura-ruolo_approvatore": "responsabile"},
    )


def r_accesso_emergenza(w):
    return Post(
        _u(w, "B1", "assistente_sociale"),
        reverse("accesso_emergenza"),
        {
            "codice_fiscale": w.assistiti["A1"].codice_fiscale,
            "motivo": "Pronto intervento notturno per una persona senza dimora trovata in strada",
            "password": "Prova-Sicura-2026!",
        },
    )


def _sportello(w, key="A1"):
    from cse.cittadino.agenda import Sportello

    return Sportello.objects.filter(ente=w.enti[key]).first()


def r_regola_nuova(w):
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_regola_nuova", kwargs={"pk": _sportello(w).pk}),
        _prefixed("regola", giorno=0, ora_inizio="14:00", ora_fine="16:00", posti=1),
        prefix="regola",
    )


def r_regola(w):
    """The Monday hours widened (9-12 → 8-12): no slot closes, so no booking stands in the way."""
    regola = _sportello(w).regole.get(giorno=0)
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_regola", kwargs={"pk": regola.pk}),
        _prefixed("regola", giorno=regola.giorno, ora_inizio="08:00", ora_fine="12:00", posti=1),
        prefix="regola",
    )


def r_regola_elimina(w):
    """An afternoon opening without bookings (removing the territory's hours would close booked slots: refused)."""
    from datetime import time

    from cse.cittadino.agenda import RegolaOrario

    regola = RegolaOrario.objects.create(sportello=_sportello(w), giorno=2, ora_inizio=time(15), ora_fine=time(17))
    return Post(_u(w, "A1", "responsabile"), reverse("locale:agenda_regola_elimina", kwargs={"pk": regola.pk}))


def r_chiusura_nuova(w):
    day = (timezone.localdate() + timedelta(days=20)).isoformat()  # beyond the 14-day horizon: no booked slot
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_chiusura_nuova", kwargs={"pk": _sportello(w).pk}),
        _prefixed("chiusura", dal=day, al=day, motivo="Festa patronale"),
        prefix="chiusura",
    )


def r_festa_patronale(w):
    day = timezone.localdate() + timedelta(days=20)  # beyond the 14-day horizon: no booked slot
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_festa_patronale", kwargs={"pk": _sportello(w).pk}),
        _prefixed("festa", santo="San Corrado", giorno=day.day, mese=day.month),
        prefix="festa",
    )


def r_apertura_nuova(w):
    day = (timezone.localdate() + timedelta(days=20)).isoformat()  # beyond the horizon: kept for later
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_apertura_nuova", kwargs={"pk": _sportello(w).pk}),
        _prefixed("apertura", data=day, ora_inizio="15:00", ora_fine="17:00", posti=1),
        prefix="apertura",
    )


def r_impostazioni(w):
    """A longer horizon (14 → 21 days): a shorter one would close the territory's booked slot and be refused."""
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_impostazioni", kwargs={"pk": _sportello(w).pk}),
        _prefixed("impostazioni", durata_slot_minuti=30, orizzonte_giorni=21, attivo="on"),
        prefix="impostazioni",
    )


def _citizen_booking(w):
    """A confirmed booking of a logged-in citizen of A1, two days ahead (beyond the cancellation cut-off)."""
    from cse.cittadino.services import cittadino_ensure, prenotazione_create

    cittadino = cittadino_ensure(codice_fiscale="CTTMRA80A41F284F", nome="Mara", cognome="Cittadini")
    slot = free_slots(_sportello(w)).filter(inizio__gte=timezone.now() + timedelta(days=2)).order_by("inizio").first()
    p = prenotazione_create(
        slot_id=slot.pk,
        nome="Mara",
        cognome="Cittadini",
        email="mara@example.invalid",
        comune_residenza=w.enti["A1"].comune,
        argomento="informazioni",
        motivo="Informazioni",
        cittadino=cittadino,
    )
    return cittadino, p


def r_prenota(w):
    sportello = _sportello(w)
    slot = free_slots(sportello).filter(inizio__gte=timezone.now() + timedelta(days=2)).order_by("inizio").first()
    query = f"?comune={w.enti['A1'].comune_id}&sportello={sportello.pk}&argomento=informazioni"
    return Post(
        None,
        reverse("cittadino:prenota") + query,
        {
            "slot": slot.pk,
            "argomento": "informazioni",
            "motivo": "Informazioni",
            "nome": "Gina",
            "cognome": "Prenota",
            "email": "gina@example.invalid",
        },
    )


def r_annulla(w):
    cittadino, p = _citizen_booking(w)
    return Post(cittadino.user, reverse("cittadino:annulla", kwargs={"codice": p.codice}), {"conferma": "1"})


def r_sposta(w):
    cittadino, p = _citizen_booking(w)
    slot = free_slots(p.slot.sportello).filter(inizio__gt=p.slot.fine).order_by("inizio").first()
    return Post(cittadino.user, reverse("cittadino:sposta", kwargs={"codice": p.codice}), {"slot": slot.pk})


def r_conferma(w):
    from cse.cittadino.agenda import Prenotazione
    from cse.cittadino.selectors import booking_token

    p = Prenotazione.objects.filter(stato="in_attesa", slot__sportello__ente=w.enti["A1"]).first()
    return Post(None, reverse("cittadino:conferma", kwargs={"token": booking_token(p)}))


def r_prenotazione_cartella(w):
    """A booking made by a logged-in citizen (so with a verified CF) not yet registered in the comune: the front
    desk (MANAGE_AGENDA and REGISTER_PERSONE) registers the person and opens the case from it."""
    from datetime import date

    from cse.cittadino.services import cittadino_ensure, prenotazione_create
    from cse.demo.synthetic import codice_fiscale_for

    cf = codice_fiscale_for("Prenotati", "Teresa", "F", date(1975, 3, 4), "F284")
    cittadino = cittadino_ensure(codice_fiscale=cf, nome="Teresa", cognome="Prenotati")
    slot = free_slots(_sportello(w)).filter(inizio__gte=timezone.now() + timedelta(days=2)).order_by("inizio").first()
    p = prenotazione_create(
        slot_id=slot.pk,
        nome="Teresa",
        cognome="Prenotati",
        email="teresa@example.invalid",
        comune_residenza=w.enti["A1"].comune,
        argomento="informazioni",
        motivo="Informazioni",
        cittadino=cittadino,
    )
    return Post(_u(w, "A1", "responsabile"), reverse("locale:prenotazione_cartella", kwargs={"pk": p.pk}))


def r_prenotazione_assente(w):
    """A confirmed booking whose appointment started an hour ago (no-show is recorded only after the start)."""
    from cse.cittadino.agenda import Prenotazione, Slot
    from cse.cittadino.services import new_code

    start = timezone.now() - timedelta(hours=1)
    slot = Slot.objects.create(sportello=_sportello(w), inizio=start, fine=start + timedelta(minutes=30))
    p = Prenotazione.objects.create(
        codice=new_code(),
        slot=slot,
        nome="Rocco",
        cognome="Assenti",
        email="rocco@example.invalid",
        comune_residenza=w.enti["A1"].comune,
        argomento="informazioni",
        motivo="Informazioni",
        stato="confermata",
        confermata_at=start - timedelta(days=1),
    )
    url = reverse("locale:prenotazione_assente", kwargs={"pk": p.pk})
    return Post(_u(w, "A1", "responsabile"), url, {"conferma": "1"})


def _scheda(modulo: str):
    """A SIOSS scheda of ambito BA01 for 2026, one module per recipe (their workflows must not meet)."""
    from cse.regionale.leps import seed_indicators
    from cse.regionale.models import SchedaLeps

    seed_indicators()
    scheda, _ = SchedaLeps.objects.using("regionale").get_or_create(anno=2026, ambito="BA01", modulo=modulo)
    return scheda


def r_scheda_finalizza(w):
    scheda = _scheda("A5")
    empty = not scheda.valori.filter(valore__gt=0).exists()
    return Post(
        _u(w, "REG", "analista_regionale"),
        reverse("regionale:scheda_finalizza", kwargs={"pk": scheda.pk}),
        {"motivo_vuota": "Nessun servizio attivo nell'anno" if empty else "", "version": scheda.version},
    )


def r_scheda_riapri(w):
    """A finalised scheda (only a finalised one reopens)."""
    from cse.regionale.services import scheda_finalise

    scheda = _scheda("A6")
    if scheda.modificabile:
        scheda = scheda_finalise(scheda=scheda, operatore="reg.analista_regionale", motivo_vuota="Vuota", version=None)
    return Post(
        _u(w, "REG", "analista_regionale"),
        reverse("regionale:scheda_riapri", kwargs={"pk": scheda.pk}),
        {"motivo": "Correzione", "version": scheda.version},
    )


def r_scheda_valore(w):
    from cse.regionale.models import IndicatoreLeps

    scheda = _scheda("A7")
    indicatore = IndicatoreLeps.objects.using("regionale").get(modulo="A7", codice="ore_profilo")
    return Post(
        _u(w, "REG", "analista_regionale"),
        reverse("regionale:scheda_valore", kwargs={"pk": scheda.pk}),
        {"indicatore": indicatore.pk, "chiave": "assistente sociale", "valore": "120", "version": scheda.version},
    )


def r_import_a4(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"anno;ambito;sezione;voce;valore\n2026;BA01;3;famiglie seguite;12\n2026;BA01;4;dispositivi attivati;5\n"
    return Post(
        _u(w, "REG", "analista_regionale"),
        reverse("regionale:sioss_import_a4"),
        _Upload(file=lambda: SimpleUploadedFile("rpm.csv", csv, content_type="text/csv")),
    )


def _relay(w) -> None:
    """The outbox so far delivered to the regional tier (what the relay process does in production)."""
    from cse.cartella.relay import relay_outbox
    from cse.regionale.ingest import ingest_event

    relay_outbox(batch_size=100_000, sender=ingest_event)


def r_ricalcola(w):
    """Recalculation writes only what changed: a new LEPS-tagged prestazione reaches the regional tier first."""
    from datetime import date

    from tests.support.regionale import prestazione

    case = _case_in(w, S.EROGAZIONE)
    prestazione(case, _u(w, "A1"), "A2.07", date(2026, 2, 1), "480.00", modulo_leps="A3.1")
    _relay(w)
    return Post(_u(w, "REG", "analista_regionale"), reverse("regionale:sioss_ricalcola"), {"anno": 2026})


def r_dss_invio(w):
    """The regional events go to the DSS simulator (the test runs with the `simulators` fixture)."""
    _relay(w)
    return Post(_u(w, "REG", "analista_regionale"), reverse("regionale:dss_invio"), reauth=True)


def r_budget_import(w):
    """The piano di zona of ambito BA01 from the Osservatorio simulator (the `simulators` fixture)."""
    return Post(
        _u(w, "AMB_A", "ufficio_di_piano"),
        reverse("ambito:budget_import"),
        _prefixed("pdz", anno=2027),
        prefix="pdz",
    )


def r_isee(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:isee_nuovo", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed(
            "isee",
            tipo="ordinario",
            valore="5000.00",
            protocollo_dsu="INPS-ISEE-2026-00000001A-00",
            data_presentazione="2026-01-10",
            valida_dal="2026-01-10",
            valida_al="2026-12-31",
        ),
        prefix="isee",
    )


def r_relazione(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:relazione_nuova", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed("rel", tipo="convivente", nominativo="Rosa Quaranta", convivente="on"),
        prefix="rel",
    )


def r_contatto(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:contatto_nuovo", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed(
            "contatto", tipo="mmg", nome="Studio medico Ferri", referente="dott.ssa Ferri", recapito="080 000000"
        ),
        prefix="contatto",
    )


def r_unione(w):
    """A duplicate registered in a hurry without CF, with its own case: merged into the person's record."""
    from cse.cartella.actions.assistito import assistito_register

    keep = w.assistiti["A1"]
    twin = assistito_register(
        ente=w.enti["A1"],
        cognome=keep.cognome,
        nome=keep.nome,
        sesso=keep.sesso,
        data_nascita=keep.data_nascita,
        luogo_nascita=keep.luogo_nascita,
        identificativo_temporaneo="TEMP-MA-1",
        confirm_not_duplicate=True,
    )
    cartella_open(assistito=twin, by=_u(w, "A1"))
    return Post(
        _u(w, "A1"),
        reverse("locale:unione", kwargs={"pk": keep.pk}),
        _prefixed("unione", duplicato=twin.pk, reason="Stessa persona registrata due volte", conferma="1"),
        prefix="unione",
    )


def _twin_without_cf(w, code):
    from cse.cartella.actions.assistito import assistito_register

    keep = w.assistiti["A1"]
    return assistito_register(
        ente=w.enti["A1"],
        cognome=keep.cognome,
        nome=keep.nome,
        sesso=keep.sesso,
        data_nascita=keep.data_nascita,
        luogo_nascita=keep.luogo_nascita,
        identificativo_temporaneo=code,
        confirm_not_duplicate=True,
    )


def r_doppione_confronto(w):
    """The side-by-side of two records: merged, keeping the twin's telephone."""
    keep, twin = w.assistiti["A1"], _twin_without_cf(w, "TEMP-MA-2")
    data = {
        "con": twin.pk,
        "principale": keep.pk,
        "campo_telefono": twin.pk,
        "reason": "Stessa persona",
        "azione": "unisci",
    }
    return Post(_u(w, "A1"), reverse("locale:doppione_confronto", kwargs={"pk": keep.pk}), data)


def r_annulla_unione(w):
    """A merge undone from the record kept."""
    from cse.cartella.actions.assistito import assistito_merge

    keep, twin = w.assistiti["A1"], _twin_without_cf(w, "TEMP-MA-3")
    assistito_merge(keep=keep, duplicate=twin, by=_u(w, "A1"), reason="stessa persona")
    unione = keep.unioni.get(duplicato=twin)
    return Post(
        _u(w, "A1"),
        reverse("locale:annulla_unione", kwargs={"pk": keep.pk}),
        {"unione": unione.pk, "reason": "Erano due persone"},
    )


def _extra_rule(w, kind):
    from cse.cittadino.agenda import AperturaStraordinaria, Chiusura

    day = timezone.localdate() + timedelta(days=25)
    if kind == "chiusura":
        return Chiusura.objects.create(sportello=_sportello(w), dal=day, al=day, motivo="Ponte")
    return AperturaStraordinaria.objects.create(
        sportello=_sportello(w), data=day, ora_inizio="15:00", ora_fine="17:00", posti=1
    )


def r_chiusura_agenda(w):
    c = _extra_rule(w, "chiusura")
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_chiusura", kwargs={"pk": c.pk}),
        _prefixed("chiusura", dal=c.dal.isoformat(), al=(c.dal + timedelta(days=1)).isoformat(), motivo="Ponte lungo"),
        prefix="chiusura",
    )


def r_chiusura_agenda_elimina(w):
    c = _extra_rule(w, "chiusura")
    return Post(_u(w, "A1", "responsabile"), reverse("locale:agenda_chiusura_elimina", kwargs={"pk": c.pk}))


def r_apertura_agenda(w):
    a = _extra_rule(w, "apertura")
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("locale:agenda_apertura", kwargs={"pk": a.pk}),
        _prefixed("apertura", data=a.data.isoformat(), ora_inizio="15:00", ora_fine="18:00", posti=2),
        prefix="apertura",
    )


def r_apertura_agenda_elimina(w):
    a = _extra_rule(w, "apertura")
    return Post(_u(w, "A1", "responsabile"), reverse("locale:agenda_apertura_elimina", kwargs={"pk": a.pk}))


def r_documenti(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.factories import TINY_PDF

    pdf = _Upload(file=lambda: SimpleUploadedFile("nota.pdf", TINY_PDF, content_type="application/pdf"), tipo="altro")
    return Post(_u(w, "A1"), reverse("locale:documenti", kwargs={"pk": w.cartelle["A1"].pk}), pdf)


def _siuss_a1(w):
    """Molfetta transmits to SIUSS: its e-service, the person resident with an ISEE, the case taken in charge (set up
    once per territory: several recipes share it)."""
    from cse.siuss.models import EserviceWaas
    from tests.support.siuss import add_isee, eservice_for, take_in_charge, with_residence

    existing = EserviceWaas.objects.filter(ente=w.enti["A1"]).first()
    if existing is not None:
        return existing
    eservice = eservice_for(w.enti["A1"])
    add_isee(with_residence(w.assistiti["A1"]))
    take_in_charge(w.cartelle["A1"])
    return eservice


def _exposed_flow(w, importo: str):
    """A new one-off prestazione with its SIUSS data, prepared and exposed to INPS: its flow."""
    from cse.siuss.models import Flusso
    from cse.siuss.services import flussi_expose, flussi_prepare
    from tests.support.siuss import TODAY, dati, prestazione

    p = prestazione(w.cartelle["A1"], importo=importo)
    dati(p)
    flussi_prepare(ente=w.enti["A1"], today=TODAY)
    flussi_expose(ente=w.enti["A1"])
    return Flusso.objects.get(prestazione=p, stato="esposto")


def r_waas_esiti(w):
    """INPS posts the outcome of an exposed flow; extra fields go into the outcome object itself (the top level
    admits only 'elenco_esiti' and answers 400 to anything else, tested in tests/siuss/test_waas_api.py)."""
    from tests.support.waas import esito_for, voucher_headers

    eservice = _siuss_a1(w)
    esito = esito_for(_exposed_flow(w, "300.00"), "OK", id_acquisizione_siuss="22738")
    return Post(
        None,
        reverse("siuss:waas_esiti", kwargs={"codice": w.enti["A1"].codice}),
        {"elenco_esiti": [esito]},
        json=True,
        headers=lambda: voucher_headers(eservice),  # vouchers are single-use: a fresh one per post
        nest=lambda body, extra: {"elenco_esiti": [{**body["elenco_esiti"][0], **extra}]},
    )


def r_correzione(w):
    """A flow SIUSS rejected: the responsabile withdraws it and a new insert is built."""
    from cse.siuss.services import esiti_record

    _siuss_a1(w)
    flusso = _exposed_flow(w, "310.00")
    esito = {"id_flusso": flusso.id_flusso, "tipo": flusso.tipo, "codice_esito": "RICHIESTA_INVALIDA"}
    esiti_record(ente=w.enti["A1"], esiti=[{**esito, "descrizione_esito": "Codice prestazione errato"}])
    return Post(
        _u(w, "A1", "responsabile"),
        reverse("siuss:correzione", kwargs={"pk": w.enti["A1"].pk}),
        {"flusso": flusso.pk, "motivo": "Codice corretto"},
    )


def r_dati_prestazione(w):
    from tests.support.siuss import prestazione

    p = prestazione(w.cartelle["A1"], importo="300.00")
    return Post(
        _u(w, "A1"),
        reverse("siuss:dati_prestazione", kwargs={"pk": p.pk}),
        {
            "protocollo_domanda": "PROT-1",
            "presenza_prova_mezzi": "1",
            "quota_ente": "300",
            "quota_utente": "0",
            "quota_ssn": "0",
            "ente_erogatore": w.enti["A1"].pk,
        },
    )


def r_sina(w):
    return Post(
        _u(w, "A1"),
        reverse("siuss:sina", kwargs={"pk": w.cartelle["A1"].pk}),
        {
            "mobilita": "2",
            "attivita_vita_quotidiana": "3",
            "disturbi_area_cognitiva": "2",
            "disturbi_comportamentali": "1",
            "necessita_cure_sanitarie": "2",
            "area_reddituale": "2",
            "area_supporto": "2",
            "fonte_valutazione": "1",
            "strumento_valutazione": "1",
            "fonte_invalidita": "1",
            "invalidita_civile": ["2"],
            "necessita_interventi": "A2.07",
        },
    )


def r_sinba(w):
    """A minor's case without its SINBA record yet."""
    from tests.support.siuss import minor_case

    case = minor_case(w)
    case.scheda_sinba.delete()
    return Post(
        _u(w, "A1"),
        reverse("siuss:sinba", kwargs={"pk": case.pk}),
        {
            "minore_straniero_non_accompagnato": "2",
            "condizione_minore": "1",
            "luogo_vita": "1",
            "scuola_frequentata": "5",
            "condizione_lavoro": "1",
            "disabilita": "2",
            "data_prima_segnalazione": "2025-09-01",
            "fonte_segnalazione": "13",
            "valutazione_minore": "2",
            "valutazione_famiglia": "12",
            "composizione_famiglia": ["1", "2"],
        },
    )


def r_uvm_scala(w):
    from cse.ambito.scale import KATZ_ADL

    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"),
        reverse("ambito:uvm_scala", kwargs={"pk": w.sessioni["AMB_A"].pk, "scala": KATZ_ADL.codice}),
        {item.codice: item.opzioni[0].valore for item in KATZ_ADL.items},
    )


def r_uvm_progetto(w):
    return Post(
        _u(w, "AMB_A", "coordinatore_uvm"),
        reverse("ambito:uvm_progetto", kwargs={"pk": w.sessioni["AMB_A"].pk}),
        {
            "obiettivi": "Permanenza a domicilio",
            "interventi": "SAD dieci ore settimanali",
            "referente": "Coordinatore UVM",
            "durata_mesi": 12,
            "data_verifica": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "budget-TOTAL_FORMS": 1,
            "budget-INITIAL_FORMS": 0,
            "budget-MIN_NUM_FORMS": 0,
            "budget-MAX_NUM_FORMS": 1000,
            "budget-0-fonte": "fnps",
            "budget-0-descrizione": "SAD",
            "budget-0-importo": "1200.00",
        },
    )


def r_uvm_chiusura(w):
    """A session of its own with its decisions recorded (only then the minutes close); the territory's session stays
    open for the other UVM recipes."""
    from cse.ambito.services import uvm_convene, uvm_update_minutes

    coordinatore = _u(w, "AMB_A", "coordinatore_uvm")
    sessione = uvm_convene(
        cartella=w.cartelle["AMB_A"], data=timezone.now() + timedelta(days=4), by=coordinatore, luogo="Sede"
    )
    uvm_update_minutes(
        sessione=sessione, by=coordinatore, ordine_del_giorno="Valutazione", decisioni="Progetto", version=None
    )
    return Post(coordinatore, reverse("ambito:uvm_chiusura", kwargs={"pk": sessione.pk}))


def _bando_matrice(w):
    from cse.bandi.models import Bando
    from tests.support.bandi_matrix import foreign_bandi

    foreign_bandi(w, "A1")
    return Bando.objects.get(ente=w.enti["A1"], codice="MATRICE")


def r_domanda_nuova(w):
    """A citizen starts a domanda: the draft with their identity (the data from ANPR and INPS come after)."""
    from tests.support.bandi import citizen

    bando = _bando_matrice(w)
    return Post(citizen(), reverse("cittadino:domanda_nuova", kwargs={"pk": bando.pk}))


def r_domanda_bozza(w):
    """A citizen saves their draft with a ticked declaration."""
    from tests.support.bandi import citizen, draft

    user = citizen()
    domanda = draft(_bando_matrice(w), user)
    data = {"azione": "salva", "dichiarazioni": "no_altri_contributi", "isee_dichiarato": "5000.00"}
    return Post(user, reverse("cittadino:domanda", kwargs={"pk": domanda.pk}), data)


def r_informativa(w):
    return Post(
        _u(w, "A1"),
        reverse("locale:informativa_nuova", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed("informativa", versione="2025-01", data=timezone.localdate().isoformat(), canale="a_mano"),
        prefix="informativa",
    )


def r_consenso(w):
    """A purpose the A1 person has not consented to yet (other recipes leave active consents behind)."""
    from cse.cartella.consensi import Consenso

    active = set(
        Consenso.objects.filter(assistito=w.assistiti["A1"], revocato_il=None).values_list("finalita", flat=True)
    )
    finalita = next(f for f in ("email", "app_io", "terzo_settore") if f not in active)
    return Post(
        _u(w, "A1"),
        reverse("locale:consenso_nuovo", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed("consenso", finalita=finalita, canale="a_mano"),
        prefix="consenso",
    )


def _active_consent(w, finalita: str):
    """The A1 person's active consent for a purpose (given now if missing)."""
    from cse.cartella.actions.consensi import active_consent, consenso_give

    person = w.assistiti["A1"]
    return active_consent(person, finalita) or consenso_give(
        assistito=person, finalita=finalita, canale="a_mano", by=_u(w, "A1")
    )


def r_consenso_revoca(w):
    _active_consent(w, "terzo_settore")
    return Post(
        _u(w, "A1"),
        reverse("locale:consenso_revoca", kwargs={"pk": w.assistiti["A1"].pk}),
        _prefixed("revoca", finalita="terzo_settore"),
        prefix="revoca",
    )


def r_condivisione(w):
    data = {"utente": _u(w, "B1", "responsabile").username, "destinatario": "ente_pubblico"}
    data["base_giuridica"] = "compito_pubblico"
    return Post(_u(w, "A1"), reverse("locale:condivisione", kwargs={"pk": w.cartelle["A1"].pk}), data)


def _citizen_of_a1(w):
    """The citizen account of the A1 person (matched by codice fiscale, as at the SPID/CIE login)."""
    from cse.cittadino.services import cittadino_ensure

    person = w.assistiti["A1"]
    return cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome).user


def r_consenso_dai(w):
    data = {"scheda": w.assistiti["A1"].pk, "finalita": "email"}
    return Post(_citizen_of_a1(w), reverse("cittadino:consenso_dai"), data)


def r_consenso_revoca_cittadino(w):
    consenso = _active_consent(w, "app_io")
    return Post(_citizen_of_a1(w), reverse("cittadino:consenso_revoca", kwargs={"pk": consenso.pk}), {})


RECIPES: dict[str, Callable] = {
    "locale:informativa_nuova": r_informativa,
    "locale:consenso_nuovo": r_consenso,
    "locale:consenso_revoca": r_consenso_revoca,
    "locale:condivisione": r_condivisione,
    "cittadino:consenso_dai": r_consenso_dai,
    "cittadino:consenso_revoca": r_consenso_revoca_cittadino,
    "cittadino:domanda_nuova": r_domanda_nuova,
    "cittadino:domanda": r_domanda_bozza,
    "locale:accesso": r_accesso,
    "locale:valutazione": r_valutazione,
    "locale:progetto": r_progetto,
    "locale:chiusura": r_chiusura,
    "locale:transizione": r_transizione,
    "locale:case_manager": r_case_manager,
    "locale:riapertura": r_riapertura,
    "locale:intervento_nuovo": r_intervento,
    "locale:prestazione_nuova": r_prestazione,
    "locale:prestazione_fine": r_prestazione_fine,
    "locale:diario": r_diario,
    "locale:scadenza_nuova": r_scadenza_nuova,
    "locale:scadenza_chiusura": r_scadenza_chiusura,
    "locale:diario_oscura": r_diario_oscura,
    "locale:documento_oscura": r_documento_oscura,
    "locale:assistito_edit": r_assistito_edit,
    "locale:cartella_nuova": r_cartella_nuova,
    "locale:trasferimento": r_trasferimento,
    "locale:assistito_create": r_assistito_create,
    "ambito:trasferimento": r_ambito_trasferimento,
    "ambito:uvm_nuova": r_uvm_nuova,
    "ambito:uvm_membro": r_uvm_membro,
    "ambito:uvm_presenza": r_uvm_presenza,
    "ambito:uvm_verbale": r_uvm_verbale,
    "ambito:domanda_assegna": r_domanda_assegna,
    "ambito:budget": r_budget,
    "accesso_emergenza_revisione": r_revisione,
    "segnalazione_chiusura": r_segnalazione,
    "approvazione": r_approvazione,
    "ente_approvazioni": r_ente_approvazioni,
    "accesso_emergenza": r_accesso_emergenza,
    "cittadino:prenota": r_prenota,
    "cittadino:annulla": r_annulla,
    "cittadino:sposta": r_sposta,
    "cittadino:conferma": r_conferma,
    "locale:isee_nuovo": r_isee,
    "locale:relazione_nuova": r_relazione,
    "locale:contatto_nuovo": r_contatto,
    "locale:agenda_chiusura_elimina": r_chiusura_agenda_elimina,
    "locale:agenda_apertura_elimina": r_apertura_agenda_elimina,
    "locale:documenti": r_documenti,
    "siuss:waas_esiti": r_waas_esiti,
    "ambito:servizio": r_servizio,
    "ente_operatori": r_ente_operatori,
    "incarico_revoca": r_incarico_revoca,
    "locale:agenda_apertura": r_apertura_agenda,
    "locale:agenda_apertura_nuova": r_apertura_nuova,
    "locale:agenda_chiusura": r_chiusura_agenda,
    "locale:agenda_chiusura_nuova": r_chiusura_nuova,
    "locale:agenda_festa_patronale": r_festa_patronale,
    "locale:agenda_impostazioni": r_impostazioni,
    "locale:agenda_regola": r_regola,
    "locale:agenda_regola_elimina": r_regola_elimina,
    "locale:agenda_regola_nuova": r_regola_nuova,
    "locale:prenotazione_cartella": r_prenotazione_cartella,
    "regionale:scheda_riapri": r_scheda_riapri,
    "regionale:sioss_ricalcola": r_ricalcola,
    "ambito:uvm_scala": r_uvm_scala,
    "ambito:uvm_progetto": r_uvm_progetto,
    "ambito:uvm_chiusura": r_uvm_chiusura,
    "locale:unione": r_unione,
    "locale:doppione_confronto": r_doppione_confronto,
    "locale:annulla_unione": r_annulla_unione,
    "locale:prenotazione_assente": r_prenotazione_assente,
    "regionale:scheda_finalizza": r_scheda_finalizza,
    "regionale:scheda_valore": r_scheda_valore,
    "regionale:sioss_import_a4": r_import_a4,
    "siuss:correzione": r_correzione,
    "siuss:dati_prestazione": r_dati_prestazione,
    "siuss:sina": r_sina,
    "siuss:sinba": r_sinba,
    "ambito:budget_import": r_budget_import,  # Osservatorio simulator (the test's `simulators` fixture)
    "regionale:dss_invio": r_dss_invio,  # DSS simulator (idem)
}

# Routes that take no data (lists, pages, downloads, exports: GET only) — a POST there must write nothing.
NOT_A_FORM: dict[str, str] = {
    name: "pagina o download in sola lettura"
    for name in (
        "home",
        "oggi",
        "ente_accessi",
        "ente_accessi_csv",
        "ente_storico",
        "vigilanza",
        "approvazioni",
        "locale:assistiti_list",
        "locale:doppioni",
        "locale:assistito_detail",
        "locale:lavoro",
        "locale:luoghi_suggeriti",  # the registration form's helpers: answers to what is being typed
        "locale:dal_codice_fiscale",
        "locale:gia_registrata",
        "locale:cartella_detail",
        "locale:documento",
        "locale:pdf",
        "locale:agenda",
        "locale:agenda_sportello",
        "locale:prenotazione",
        "locale:agenda_regole",
        "ambito:cartelle_list",
        "ambito:cartella_detail",
        "ambito:trasferimenti",
        "ambito:uvm_list",
        "ambito:uvm",
        "ambito:uvm_pdf",
        "ambito:servizi",
        "regionale:cruscotto",
        "regionale:completezza",
        "regionale:sioss",
        "regionale:scheda",
        "siuss:dashboard",
        "siuss:dashboard_csv",
        "siuss:waas_flussi",
        "siuss:waas_status",
        "cittadino:ricevuta",
        "cittadino:ricevuta_pdf",
        "cittadino:ricevuta_ics",
        "cittadino:area_personale",
        "cittadino:chi_ha_consultato",
        "cittadino:chi_ha_consultato_csv",
        "cittadino:oidc_start",
        "cittadino:oidc_callback",
        "cittadino:uscita",
        "cittadino:bandi",
        "cittadino:bando",
        "cittadino:bando_graduatoria",
        "cittadino:domande",
        "cittadino:domanda_pdf",
        "cittadino:domanda_provvedimento_pdf",
        "cittadino:pagamenti",
        "cittadino:pagamento_pdf",
        "cittadino:consensi",
    )
} | {
    # plain forms.Form with explicit fields handed one by one to an action: no ModelForm, nothing assigned in bulk
    "ambito:budget_bandi": "modulo esplicito (bando, linea) passato campo per campo all'azione",
    "cittadino:domanda_iban": "modulo esplicito (IBAN, intestatario, delegato) passato campo per campo all'azione",
    "reauth": "conferma della password: nessun dato salvato",
    "oggi_riepilogo": "preferenza dell'operatore stesso (un solo campo, attivo sì/no): nessun altro dato salvato",
    "otp_verify": "secondo fattore: nessun dato salvato oltre al dispositivo",
    "otp_setup": "attivazione del secondo fattore (dispositivo dell'utente stesso)",
    "codice_attivazione_emetti": "emissione di un codice monouso: il modulo non ha campi",
    "cittadino:accesso": "pagina di accesso",
    "cittadino:accesso_prova": "accesso di prova (solo sviluppo)",
    "locale:sistemi_regionali": "consultazione dei sistemi regionali: nulla è salvato",
    "regionale:dss": "elenco degli invii al DSS (solo lettura)",
}


def area_routes() -> list[str]:
    names = []
    for name, _ in walk(named_only=False):
        if name and (name.split(":")[0] in AREAS and ":" in name or name in CORE_ROUTES):
            names.append(name)
    return sorted(set(names))


def test_every_post_route_has_a_recipe_or_a_reason():
    missing = [n for n in area_routes() if n not in RECIPES and n not in NOT_A_FORM]
    assert missing == [], f"form senza ricetta per il test di mass assignment: {missing}"


@pytest.fixture
def extras_strategy(territory):
    foreign = [
        str(territory.enti["B1"].pk),
        str(territory.enti["AMB_B"].pk),
        str(territory.enti["REG"].pk),
        str(territory.cartelle["B1"].pk),
        str(territory.assistiti["B1"].pk),
        str(territory.user("B1", "responsabile").pk),
        str(territory.enti["B1"].comune_id),
        territory.enti["B1"].codice,
        "999999",
    ]
    return st.dictionaries(st.sampled_from(EXTRA_KEYS), st.sampled_from(foreign + STATE_VALUES), min_size=1, max_size=6)


def _check_with_extras(client, extras_strategy, name, post, status, after, plain, only):
    counts = {m: n for m, (n, _) in after.items()}

    @hypothesis_settings(
        max_examples=2,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(extra=extras_strategy)
    def check(extra):
        if post.prefix:  # a prefixed form reads only prefixed names: the extras go in both spellings
            extra = extra | {f"{post.prefix}-{k}": v for k, v in extra.items()}
        extra = {k: v for k, v in extra.items() if k not in post.data}
        got_status, got_after, got = post_and_fingerprint(client, post, extra, only=only)
        assert (got_status, {m: n for m, (n, _) in got_after.items()}) == (status, counts), f"{name} con {extra}"
        diff = {m: (plain[m], got[m]) for m in plain if plain[m] != got[m]}
        assert diff == {}, f"{name} con {extra}: {diff}"

    check()


@pytest.mark.django_db(databases=["default", "regionale"])
def test_extra_fields_change_nothing_in_any_form(territory, client, extras_strategy, settings, simulators):
    """`simulators`: the piano di zona import and the DSS export call the Osservatorio and DSS simulators."""
    from cse.cartella.models import Assistito, CartellaUserObjectPermission, RichiestaTrasferimento
    from cse.cittadino.agenda import Prenotazione
    from tests.support.waas import ISSUER

    settings.SIUSS_PDND_JWKS = ISSUER.jwks()
    MODELS[:] = _tracked_models()
    KEY_MODELS[:] = [Cartella, Assistito, RichiestaTrasferimento, Prenotazione, CartellaUserObjectPermission]
    failures = []
    for name in sorted(RECIPES):
        try:
            _one_route(client, extras_strategy, territory, name)
        except Exception as exc:  # every route is tried; all failures are reported together
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert failures == [], "\n\n".join(failures)


def _one_route(client, extras_strategy, territory, name):
    post = RECIPES[name](territory)
    BEFORE_SHAPE.clear()
    BEFORE_SHAPE.update(shape())
    status, after, plain = post_and_fingerprint(client, post, {})
    touched = [m for m in MODELS if after[m._meta.label] != BEFORE_SHAPE[m._meta.label]]
    # A read logged in the access log is not a write: a body the form refuses still logs the page's access.
    written = [m for m in touched if m._meta.label not in NOT_A_WRITE]
    keys = {m._meta.label: plain[m._meta.label] for m in KEY_MODELS}
    assert written or keys != fingerprint(high_water(), KEY_MODELS), (
        f"{name}: la ricetta non scrive nulla (corpo non valido?) — status {status}"
    )
    _check_with_extras(client, extras_strategy, name, post, status, after, plain, [*KEY_MODELS, *touched])
