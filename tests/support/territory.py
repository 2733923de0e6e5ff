"""The full territory: every ente of two ambiti and a region, every role, and one object of every kind per ente.

The isolation matrix, the authorization crawl and the property crawls of every route try each role against every
object, so they need all of it; any other test builds only what its scenario needs (tests/support/factories.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cse.cartella.actions.cartella import cartella_move_ownership, cartella_open
from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ente
from cse.core.roles import ROLES_BY_TIPO_ENTE
from cse.core.services import ente_for_ambito, ente_for_comune, ente_for_regione
from tests.support.factories import (
    AmbitoFactory,
    ComuneFactory,
    RegioneFactory,
    add_case_content,
    ensure_reference_data,
    make_operator,
    make_sportello,
    register_person,
)
from tests.support.vigilanza import expired_emergency_access, out_of_hours_alert


@dataclass
class Territory:
    """Region with ambito A (comuni A1, A2) and ambito B (comune B1); every role of every ente has one user, and one of
    every kind of object per ente. Only the suites that walk every route with every role need it (the isolation
    matrix, the authorization crawl, the property crawls): every other test builds the few objects it needs."""

    enti: dict[str, Ente]
    users: dict[tuple[str, str], object] = field(default_factory=dict)
    assistiti: dict[str, Assistito] = field(default_factory=dict)
    cartelle: dict[str, Cartella] = field(default_factory=dict)
    richieste: dict = field(default_factory=dict)
    sessioni: dict = field(default_factory=dict)
    servizi: dict = field(default_factory=dict)
    domande: dict = field(default_factory=dict)
    emergenze: dict = field(default_factory=dict)
    segnalazioni: dict = field(default_factory=dict)
    approvazioni: dict = field(default_factory=dict)

    def user(self, ente_key: str, ruolo: str):
        return self.users[(ente_key, ruolo)]

    def all_users(self):
        return list(self.users.items())


def build_territory() -> Territory:
    """Build every ente, role and kind of object of the territory (a few seconds: only the crawls pay for it)."""
    ensure_reference_data()
    regione = RegioneFactory()
    amb_a = AmbitoFactory(codice="BA01", nome="Molfetta", regione=regione)
    amb_b = AmbitoFactory(codice="BA05", nome="Altamura", regione=regione)
    a1 = ComuneFactory(codice_istat="072029", codice_catastale="F284", nome="Molfetta", ambito=amb_a, regione=regione)
    a2 = ComuneFactory(codice_istat="072022", codice_catastale="E047", nome="Giovinazzo", ambito=amb_a, regione=regione)
    b1 = ComuneFactory(codice_istat="072004", codice_catastale="A225", nome="Altamura", ambito=amb_b, regione=regione)
    enti = {
        "A1": ente_for_comune(a1),
        "A2": ente_for_comune(a2),
        "B1": ente_for_comune(b1),
        "AMB_A": ente_for_ambito(amb_a),
        "AMB_B": ente_for_ambito(amb_b),
        "REG": ente_for_regione(regione),
    }
    territory = Territory(enti=enti)
    for key, ente in enti.items():
        for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]:
            territory.users[(key, ruolo)] = make_operator(ente, ruolo, username=f"{key.lower()}.{ruolo}")
    people = {"A1": ("Quaranta", "Luca", "M"), "A2": ("Scarcelli", "Anna", "F"), "B1": ("Lamanna", "Vito", "M")}
    for key, (cognome, nome, sesso) in people.items():
        ente = enti[key]
        territory.assistiti[key] = register_person(
            ente, cognome=cognome, nome=nome, sesso=sesso, luogo=ente.codice, comune_residenza=ente.comune
        )
        worker = territory.user(key, "assistente_sociale")
        territory.cartelle[key] = cartella_open(assistito=territory.assistiti[key], by=worker)
    # A second case of A1 moved to ambito A (the complex case), the comune's case manager keeps équipe access.
    manager = territory.user("A1", "assistente_sociale")
    second = cartella_open(assistito=territory.assistiti["A1"], by=manager)
    territory.cartelle["AMB_A"] = cartella_move_ownership(
        cartella=second, to_ente=enti["AMB_A"], by=manager, reason="caso complesso", keep_access_for=[manager]
    )
    for cartella in territory.cartelle.values():
        add_case_content(cartella, by=manager)
    add_ambito_content(territory)
    add_vigilanza_content(territory)
    add_approvazioni_content(territory)
    build_portal(territory)
    build_bookings(territory)
    return territory


def add_ambito_content(territory: Territory) -> None:
    """Ambito objects for the isolation matrix: a pending transfer (A2 → AMB_A), a UVM session with a member on
    the AMB_A case, and per ambito a provider, a budget line, a service and (AMB_A) a waiting-list entry."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from cse.ambito.models import DomandaServizio, Erogatore, LineaBudget, MembroUVM, ServizioAmbito, SessioneUVM
    from cse.cartella.fasi import VoceNomenclatore
    from cse.cartella.models import RichiestaTrasferimento

    territory.richieste = {
        "A2": RichiestaTrasferimento.objects.create(
            cartella=territory.cartelle["A2"],
            comune=territory.enti["A2"],
            ambito=territory.enti["AMB_A"],
            motivo="caso complesso",
            richiesto_da=territory.user("A2", "assistente_sociale"),
        )
    }
    coordinatore = territory.user("AMB_A", "coordinatore_uvm")
    sessione = SessioneUVM.objects.create(
        ambito=territory.enti["AMB_A"],
        cartella=territory.cartelle["AMB_A"],
        data=timezone.now() + timedelta(days=3),
        luogo="Sede dell'Ufficio di Piano",
        convocata_da=coordinatore,
    )
    MembroUVM.objects.create(sessione=sessione, tipo="operatore_ambito", user=coordinatore, nome="Coordinatore")
    territory.sessioni = {"AMB_A": sessione}
    territory.servizi, territory.domande = {}, {}
    for key in ("AMB_A", "AMB_B"):
        ente = territory.enti[key]
        linea = LineaBudget.objects.create(
            ambito=ente, anno=2026, fonte="fna", intervento_pdz="Assistenza domiciliare", programmato=Decimal("10000")
        )
        servizio = ServizioAmbito.objects.create(
            ambito=ente,
            tipo="sad",
            nome=f"SAD {key}",
            capacita=2,
            voce=VoceNomenclatore.objects.get(codice="A2.07"),
            linea_budget=linea,
        )
        servizio.erogatori.add(Erogatore.objects.create(ambito=ente, denominazione=f"Cooperativa {key}"))
        territory.servizi[key] = servizio
    territory.domande["AMB_A"] = DomandaServizio.objects.create(
        servizio=territory.servizi["AMB_A"], cartella=territory.cartelle["AMB_A"], inserita_da=coordinatore
    )


def add_approvazioni_content(territory: Territory) -> None:
    """A request waiting for approval per comune A1 and B1 (closing its case, asked by its social worker, for its
    responsabile), for the isolation matrix of the approval pages."""
    from cse.cartella.models import RichiestaApprovazione

    territory.approvazioni = {
        key: RichiestaApprovazione.objects.create(
            ente=territory.enti[key],
            azione="chiusura",
            cartella=territory.cartelle[key],
            payload={"target": "chiusa"},
            versione_oggetto=territory.cartelle[key].version,
            ruolo_approvatore="responsabile",
            richiesta_da=territory.user(key, "assistente_sociale"),
        )
        for key in ("A1", "B1")
    }


def add_vigilanza_content(territory: Territory) -> None:
    """Rows for the isolation matrix of the review pages: a past (expired, no live grant) emergency access of a B1
    operator to A1's case, and an alert per comune. Their operators are responsabili."""
    territory.emergenze = {
        "A1": expired_emergency_access(
            operatore=territory.user("B1", "responsabile"),
            ente_origine=territory.enti["B1"],
            cartella=territory.cartelle["A1"],
            days_ago=2,
        )
    }
    territory.segnalazioni = {
        key: out_of_hours_alert(ente=territory.enti[key], operatore=territory.user(key, "responsabile"), days_ago=2)
        for key in ("A1", "B1")
    }


def build_portal(territory: Territory) -> None:
    """The citizen portal's sections, one per comune and ambito, each editable by its ente's editors only."""
    from cse.cittadino.cms import portale_ensure, sezione_ensure

    portale_ensure()
    for key, ente in territory.enti.items():
        if key != "REG":
            sezione_ensure(ente=ente)


def build_bookings(territory: Territory) -> None:
    """One front office per comune with one booking each (rows for the isolation matrix)."""
    from cse.cittadino.selectors import free_slots
    from cse.cittadino.services import prenotazione_create

    for key in ("A1", "A2", "B1"):
        sportello = make_sportello(territory.enti[key])
        prenotazione_create(
            slot_id=free_slots(sportello).order_by("inizio").last().pk,
            nome="Sara",
            cognome="Prenotante",
            email=f"sara.{key.lower()}@example.invalid",
            comune_residenza=territory.enti[key].comune,
            argomento="informazioni",
            motivo="Informazioni sui servizi",
        )
