"""Factories that build through the product's services, and the older builders (synthetic people only)."""

from __future__ import annotations

import itertools
from datetime import date

import factory

from cse.cartella.actions.assistito import assistito_register
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ambito, Comune, Ente, Regione
from cse.core.services import ente_for_ambito, ente_for_comune, ente_for_regione, operatore_create
from cse.demo.synthetic import COGNOMI, codice_fiscale_for, generate_people

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


class _ViaService(factory.django.DjangoModelFactory):
    """A factory whose objects are made by the product's own service (an ente with its role groups, an operator with
    an incarico, a person with a valid CF, a case with its number and event), never by a bare row insert."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.make(**kwargs)


class AmbitoEnteFactory(_ViaService):
    """The ente of an ambito (Ufficio di Piano)."""

    class Meta:
        model = Ente

    ambito = factory.SubFactory(AmbitoFactory)

    @staticmethod
    def make(ambito: Ambito) -> Ente:
        return ente_for_ambito(ambito)


class ComuneEnteFactory(_ViaService):
    """The ente of a comune; comuni made with the same `ambito` (an ambito's Ente) belong to that ambito."""

    class Meta:
        model = Ente

    class Params:
        ambito = factory.SubFactory(AmbitoEnteFactory)

    comune = factory.SubFactory(ComuneFactory, ambito=factory.SelfAttribute("..ambito.ambito"))

    @staticmethod
    def make(comune: Comune) -> Ente:
        return ente_for_comune(comune)


class RegioneEnteFactory(_ViaService):
    class Meta:
        model = Ente

    regione = factory.SubFactory(RegioneFactory)

    @staticmethod
    def make(regione: Regione) -> Ente:
        return ente_for_regione(regione)


class OperatoreFactory(_ViaService):
    """A staff user with one incarico: `OperatoreFactory(ente=comune, ruolo="responsabile")`."""

    class Meta:
        model = "auth.User"

    ente = factory.SubFactory(ComuneEnteFactory)
    ruolo = "assistente_sociale"
    username = None

    @staticmethod
    def make(ente: Ente, ruolo: str, username: str | None):
        return make_operator(ente, ruolo, username=username)


class AssistitoFactory(_ViaService):
    """A synthetic person registered in a comune, resident there, with a valid CF and a name no other factory person
    shares (so the duplicate check never stops a test that did not ask for it)."""

    class Meta:
        model = Assistito

    class Params:
        persona = factory.Sequence(lambda n: next(iter(generate_people(1, birthplaces=["F284"], seed=90000 + n))))

    ente = factory.SubFactory(ComuneEnteFactory)
    # consecutive people get different surnames (a test telling two people apart by name never meets twins)
    cognome = factory.Sequence(lambda n: COGNOMI[n % len(COGNOMI)])
    nome = factory.LazyAttribute(lambda o: o.persona.nome)
    sesso = factory.LazyAttribute(lambda o: o.persona.sesso)
    data_nascita = factory.LazyAttribute(lambda o: o.persona.data_nascita)
    luogo = "F284"
    comune_residenza = factory.LazyAttribute(lambda o: o.ente.comune)

    @staticmethod
    def make(*, ente: Ente, luogo: str, **fields) -> Assistito:
        return register_person(ente, luogo=luogo, **fields)


class CartellaFactory(_ViaService):
    """An open case (phase accesso) of a person of the comune, opened by one of its social workers unless `by`."""

    class Meta:
        model = Cartella

    assistito = factory.SubFactory(AssistitoFactory)
    by = factory.LazyAttribute(lambda o: OperatoreFactory(ente=o.assistito.owner_ente))
    area = ""

    @staticmethod
    def make(*, assistito: Assistito, by, area: str) -> Cartella:
        return cartella_open(assistito=assistito, by=by, area=area)


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


def ensure_reference_data() -> None:
    """Re-seed the nomenclatore idempotently: a transactional test's flush empties the rows its data migration wrote,
    and the tests that run after it in the same worker still need them."""
    import importlib

    from django.apps import apps

    importlib.import_module("cse.cartella.migrations.0002_seed_nomenclatore").seed(apps, None)


TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_case_content(cartella: Cartella, *, by) -> None:
    """A diary note, a document, a delivered prestazione and an overdue deadline in a case (rows for the isolation
    matrix)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cse.cartella.actions.diario import diario_add, documento_upload
    from cse.cartella.actions.ritual import case_change
    from cse.cartella.actions.scadenze import open_in
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
    with case_change(cartella, by=by, bump=False, allow_closed=True) as change:  # as an act would: no actor check
        open_in(change, change.cartella, tipo="promemoria", due=date(2026, 1, 20))


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
