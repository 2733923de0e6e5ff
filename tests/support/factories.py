"""Factories and a small two-ambiti world used across the suite (synthetic people only)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import factory

from cse.cartella.actions.assistito import assistito_register
from cse.cartella.actions.cartella import cartella_move_ownership, cartella_open
from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ambito, Comune, Ente, Regione
from cse.core.roles import ROLES_BY_TIPO_ENTE
from cse.core.services import ente_for_ambito, ente_for_comune, ente_for_regione, operatore_create
from cse.demo.synthetic import codice_fiscale_for, generate_people

PASSWORD = "Prova-Sicura-2026!"
_seq = itertools.count(1)


class RegioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regione
        django_get_or_create = ("codice_istat",)

    codice_istat = "16"
    nome = "Puglia"


class AmbitoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ambito

    codice = factory.Sequence(lambda n: f"T{n:02d}")
    nome = factory.Sequence(lambda n: f"Ambito di prova {n}")
    regione = factory.SubFactory(RegioneFactory)


class ComuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comune
        django_get_or_create = ("codice_istat",)

    codice_istat = factory.Sequence(lambda n: f"9{n:05d}")
    codice_catastale = factory.Sequence(lambda n: f"X{n % 1000:03d}")
    nome = factory.Sequence(lambda n: f"Comune {n}")
    sigla_provincia = "BA"
    regione = factory.SubFactory(RegioneFactory)


def make_operator(ente: Ente, ruolo: str, username: str | None = None):
    n = next(_seq)
    person = next(iter(generate_people(1, birthplaces=["F284"], seed=5000 + n)))
    operatore = operatore_create(
        username=username or f"op{n}.{ruolo}",
        password=PASSWORD,
        first_name=person.nome,
        last_name=person.cognome,
        email=f"op{n}@example.invalid",
        codice_fiscale=person.codice_fiscale,
        ente=ente,
        ruolo=ruolo,
    )
    return operatore.user


def register_person(
    ente: Ente,
    *,
    cognome: str = "Rossi",
    nome: str = "Maria",
    sesso: str = "F",
    data_nascita: date = date(1950, 3, 12),
    luogo: str = "F284",
    **extra,
) -> Assistito:
    return assistito_register(
        ente=ente,
        cognome=cognome,
        nome=nome,
        sesso=sesso,
        data_nascita=data_nascita,
        luogo_nascita=luogo,
        codice_fiscale=codice_fiscale_for(cognome, nome, sesso, data_nascita, luogo),
        **extra,
    )


@dataclass
class World:
    """Region with ambito A (comuni A1, A2) and ambito B (comune B1); every role of every ente has one user."""

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

    def user(self, ente_key: str, ruolo: str):
        return self.users[(ente_key, ruolo)]

    def all_users(self):
        return list(self.users.items())


def ensure_reference_data() -> None:
    """Re-seed the nomenclatore idempotently: a transactional test's flush empties the rows its data migration wrote,
    and the tests that run after it in the same worker still need them."""
    import importlib

    from django.apps import apps

    importlib.import_module("cse.cartella.migrations.0002_seed_nomenclatore").seed(apps, None)


def build_world() -> World:
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
    world = World(enti=enti)
    for key, ente in enti.items():
        for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]:
            world.users[(key, ruolo)] = make_operator(ente, ruolo, username=f"{key.lower()}.{ruolo}")
    people = {"A1": ("Quaranta", "Luca", "M"), "A2": ("Scarcelli", "Anna", "F"), "B1": ("Lamanna", "Vito", "M")}
    for key, (cognome, nome, sesso) in people.items():
        ente = enti[key]
        world.assistiti[key] = register_person(
            ente, cognome=cognome, nome=nome, sesso=sesso, luogo=ente.codice, comune_residenza=ente.comune
        )
        world.cartelle[key] = cartella_open(assistito=world.assistiti[key], by=world.user(key, "assistente_sociale"))
    # A second case of A1 moved to ambito A (the complex case), the comune's case manager keeps équipe access.
    manager = world.user("A1", "assistente_sociale")
    second = cartella_open(assistito=world.assistiti["A1"], by=manager)
    world.cartelle["AMB_A"] = cartella_move_ownership(
        cartella=second, to_ente=enti["AMB_A"], by=manager, reason="caso complesso", keep_access_for=[manager]
    )
    for cartella in world.cartelle.values():
        add_case_content(cartella, by=manager)
    add_ambito_content(world)
    add_vigilanza_content(world)
    build_portal(world)
    build_bookings(world)
    return world


def add_ambito_content(world: World) -> None:
    """Ambito objects for the isolation matrix: a pending transfer (A2 → AMB_A), a UVM session with a member on
    the AMB_A case, and per ambito a provider, a budget line, a service and (AMB_A) a waiting-list entry."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from cse.ambito.models import DomandaServizio, Erogatore, LineaBudget, MembroUVM, ServizioAmbito, SessioneUVM
    from cse.cartella.fasi import VoceNomenclatore
    from cse.cartella.models import RichiestaTrasferimento

    world.richieste = {
        "A2": RichiestaTrasferimento.objects.create(
            cartella=world.cartelle["A2"],
            comune=world.enti["A2"],
            ambito=world.enti["AMB_A"],
            motivo="caso complesso",
            richiesto_da=world.user("A2", "assistente_sociale"),
        )
    }
    coordinatore = world.user("AMB_A", "coordinatore_uvm")
    sessione = SessioneUVM.objects.create(
        ambito=world.enti["AMB_A"],
        cartella=world.cartelle["AMB_A"],
        data=timezone.now() + timedelta(days=3),
        luogo="Sede dell'Ufficio di Piano",
        convocata_da=coordinatore,
    )
    MembroUVM.objects.create(sessione=sessione, tipo="operatore_ambito", user=coordinatore, nome="Coordinatore")
    world.sessioni = {"AMB_A": sessione}
    world.servizi, world.domande = {}, {}
    for key in ("AMB_A", "AMB_B"):
        ente = world.enti[key]
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
        world.servizi[key] = servizio
    world.domande["AMB_A"] = DomandaServizio.objects.create(
        servizio=world.servizi["AMB_A"], cartella=world.cartelle["AMB_A"], inserita_da=coordinatore
    )


def past_emergency_access(world: World, *, by: tuple[str, str], to_ente: str, days_ago: int = 1):
    """A granted, already expired two-hour emergency access of operator `by` (ente key, ruolo) to `to_ente`'s case."""
    from datetime import timedelta

    from django.utils import timezone

    from cse.cartella.models import AccessoEmergenza

    past = timezone.now() - timedelta(days=days_ago)
    return AccessoEmergenza.objects.create(
        operatore=world.user(*by),
        ente_origine=world.enti[by[0]],
        ente_titolare=world.enti[to_ente],
        codice_fiscale=world.assistiti[to_ente].codice_fiscale,
        assistito=world.assistiti[to_ente],
        cartella=world.cartelle[to_ente],
        motivo="Pronto intervento notturno per una persona senza dimora",
        esito="concesso",
        dal=past,
        al=past + timedelta(hours=2),
    )


def add_vigilanza_content(world: World) -> None:
    """Rows for the isolation matrix of the review pages: a past (expired, no live grant) emergency access of a B1
    operator to A1's case, and an alert per comune. Their operators are responsabili, so the scenario tests, which
    use other roles, start from a clean slate."""
    from datetime import timedelta

    from django.utils import timezone

    from cse.cartella.models import Segnalazione

    past = timezone.now() - timedelta(days=2)
    world.emergenze = {"A1": past_emergency_access(world, by=("B1", "responsabile"), to_ente="A1", days_ago=2)}
    world.segnalazioni = {
        key: Segnalazione.objects.create(
            ente=world.enti[key],
            tipo="fuori_orario",
            operatore=world.user(key, "responsabile"),
            descrizione="Consultazione di cartelle fuori dall'orario di servizio.",
            creata_il=past,
        )
        for key in ("A1", "B1")
    }


TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_case_content(cartella: Cartella, *, by) -> None:
    """A diary note, a document and a delivered prestazione in a case (rows for the isolation matrix)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cse.cartella.actions.diario import diario_add, documento_upload
    from cse.cartella.fasi import Prestazione, VoceNomenclatore

    diario_add(
        cartella=cartella,
        tipo="colloquio",
        testo="Colloquio di prova",
        data_evento=date(2026, 1, 5),
        riservata=False,
        by=by,
    )
    documento_upload(
        cartella=cartella,
        tipo="altro",
        by=by,
        upload=SimpleUploadedFile("prova.pdf", TINY_PDF, content_type="application/pdf"),
    )
    Prestazione.objects.create(
        cartella=cartella,
        voce=VoceNomenclatore.objects.get(codice="A1.04"),
        carattere=2,
        data_inizio=date(2026, 1, 10),
        quantita=1,
        unita="euro",
        importo=250,
        fonte="comunale",
        erogatore="Comune",
    )


def anagrafica_form_data(person: Assistito, **overrides) -> dict:
    """The anagrafica edit form as the page posts it, unchanged, with `overrides` on top."""
    return {
        "codice_fiscale": person.codice_fiscale,
        "cognome": person.cognome,
        "nome": person.nome,
        "sesso": person.sesso,
        "data_nascita": person.data_nascita.isoformat(),
        "luogo_nascita": person.luogo_nascita,
        "cittadinanza": "100",
        "disabilita": "nessuna",
        "protezione_giuridica": "nessuna",
        "version": person.version,
        **overrides,
    }


def build_portal(world: World) -> None:
    """The citizen portal's sections, one per comune and ambito, each editable by its ente's editors only."""
    from cse.cittadino.cms import portale_ensure, sezione_ensure

    portale_ensure()
    for key, ente in world.enti.items():
        if key != "REG":
            sezione_ensure(ente=ente)


def make_sportello(
    ente: Ente, *, nome: str = "Segretariato sociale", posti: int = 1, days=range(7), start=None, end=None
):
    """A front office open every day 9-12 (so that tomorrow always has slots), slots generated for 14 days."""
    from datetime import time

    from cse.cittadino.agenda import RegolaOrario, Sportello
    from cse.cittadino.glossary import TipoSportello
    from cse.cittadino.slots import slots_generate

    sportello = Sportello.objects.create(
        ente=ente, tipo=TipoSportello.SEGRETARIATO, nome=nome, indirizzo="Piazza Municipio 1", orizzonte_giorni=14
    )
    for giorno in days:
        RegolaOrario.objects.create(
            sportello=sportello, giorno=giorno, ora_inizio=start or time(9), ora_fine=end or time(12), posti=posti
        )
    slots_generate(sportello=sportello)
    return sportello


def build_bookings(world: World) -> None:
    """One front office per comune with one booking each (rows for the isolation matrix)."""
    from cse.cittadino.selectors import free_slots
    from cse.cittadino.services import prenotazione_create

    for key in ("A1", "A2", "B1"):
        sportello = make_sportello(world.enti[key])
        prenotazione_create(
            slot_id=free_slots(sportello).order_by("inizio").last().pk,
            nome="Sara",
            cognome="Prenotante",
            email=f"sara.{key.lower()}@example.invalid",
            comune_residenza=world.enti[key].comune,
            argomento="informazioni",
            motivo="Informazioni sui servizi",
        )
