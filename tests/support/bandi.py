"""Bandi for tests: a schema with requisiti, bands and tie-breakers, a bando built and published through the actions,
citizens (synthetic codici fiscali), domande pushed to a given step, and test doubles of the ANPR and ISEE ports
(swapped in with `ports(...)`, as settings.CSE_ADAPTERS would be in a deployment)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Bando, Domanda
from cse.cartella.fasi import VoceNomenclatore
from cse.core.external import NotFound, ServiceUnavailable
from cse.core.protocollo import Segnatura
from cse.demo.synthetic import generate_people
from tests.support.factories import ensure_reference_data

_seq = itertools.count(1)

SCHEMA = {
    "criteri": [
        {
            "codice": "isee_soglia",
            "etichetta": "ISEE fino a 20.000 euro",
            "tipo": "requisito",
            "fatto": "isee.valore",
            "condizione": {"operatore": "<=", "valore": 20000},
        },
        {
            "codice": "residenza",
            "etichetta": "Residenza a Molfetta",
            "tipo": "requisito",
            "fatto": "residenza.comune_istat",
            "condizione": {"operatore": "in", "valore": ["072029"]},
        },
        {
            "codice": "isee_fasce",
            "etichetta": "Punti per fascia ISEE",
            "tipo": "punteggio",
            "fatto": "isee.valore",
            "fasce": [{"da": 0, "a": 6000, "punti": 30}, {"da": "6000.01", "a": 12000, "punti": 15}],
        },
        {
            "codice": "minori",
            "etichetta": "Nucleo con minori",
            "tipo": "punteggio",
            "fatto": "nucleo.minori",
            "condizione": {"operatore": ">=", "valore": 1},
            "punti": 10,
        },
    ],
    "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}, {"fatto": "nucleo.minori", "ordine": "desc"}],
}


def voce_affitto() -> VoceNomenclatore:
    ensure_reference_data()
    return VoceNomenclatore.objects.filter(codice="A1.05").first()


def bando_fields(**overrides) -> dict:
    now = timezone.now()
    fields = {
        "codice": f"CONTR-{next(_seq)}",
        "titolo": "Contributo affitto 2027",
        "base_giuridica": "L. 431/1998 art. 11",
        "voce_bilancio": "PdZ 2025-2027 — sostegno all'abitare",
        "stanziamento": Decimal("1000.00"),
        "importo_massimo": Decimal("400.00"),
        "apertura": now - timedelta(days=1),
        "chiusura": now + timedelta(days=30),
        "schema": SCHEMA,
        "documenti_richiesti": [
            {"codice": "contratto", "descrizione": "Contratto di locazione", "obbligatorio": False}
        ],
        "dichiarazioni": [{"codice": "no_altri_contributi", "testo": "Non ricevo altri contributi per l'affitto"}],
        "codice_prestazione": voce_affitto(),
    }
    return fields | overrides


def make_bando(ente, by, *, publish: bool = True, **overrides) -> Bando:
    bando = actions.bando_create(ente=ente, by=by, **bando_fields(**overrides))
    return actions.bando_publish(bando=bando, by=by) if publish else bando


def close_window(bando: Bando, by) -> Bando:
    """Move the clock past the closing time (the window is part of the frozen rules: tests move time, not the row)."""
    from unittest import mock

    later = bando.chiusura + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        return actions.bando_close(bando=bando, by=by)


# --- people -----------------------------------------------------------------------------------------------------------


def synthetic_person(seed: int | None = None):
    return next(iter(generate_people(1, birthplaces=["F284"], seed=70000 + (seed or next(_seq)))))


def citizen(persona=None):
    """A citizen account (as after SPID login) for a synthetic person."""
    from cse.cittadino.services import cittadino_ensure

    persona = persona or synthetic_person()
    return cittadino_ensure(codice_fiscale=persona.codice_fiscale, nome=persona.nome, cognome=persona.cognome).user


def richiedente_of(user_or_persona) -> dict:
    persona = getattr(user_or_persona, "cittadino", user_or_persona)
    return {
        "codice_fiscale": persona.codice_fiscale,
        "cognome": persona.cognome,
        "nome": persona.nome,
        "data_nascita": getattr(persona, "data_nascita", None),
    }


def draft(bando: Bando, by, *, persona=None, **kwargs) -> Domanda:
    """A draft: by a citizen for themself (persona None), or by an operator for `persona`."""
    who = richiedente_of(persona or by)
    return actions.domanda_save_draft(bando=bando, by=by, richiedente=who, **kwargs)


def submitted(bando: Bando, by, **kwargs) -> Domanda:
    return actions.domanda_submit(domanda=draft(bando, by, **kwargs), by=by)


def in_istruttoria(bando: Bando, citizen_user, istruttore, *, facts: dict, at: datetime | None = None) -> Domanda:
    """A submitted domanda assigned to `istruttore`, with `facts` established by the operator (provenance operatore)."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=at or timezone.now()):
        domanda = submitted(bando, citizen_user)
    domanda = actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=istruttore)
    for fatto, valore in facts.items():
        actions.istruttoria_set_fact(
            domanda=domanda, fatto=fatto, valore=valore, reason="documento visto", by=istruttore
        )
    return domanda


def istruita(bando: Bando, istruttore, *, isee, minori=0, residenza="072029", at: datetime | None = None) -> Domanda:
    facts = {"isee.valore": str(isee), "residenza.comune_istat": residenza, "nucleo.minori": minori}
    domanda = in_istruttoria(bando, citizen(), istruttore, facts=facts, at=at)
    return actions.istruttoria_close(domanda=domanda, by=istruttore)


# --- port doubles -----------------------------------------------------------------------------------------------------


def ports(**named: str):
    """override_settings of CSE_ADAPTERS with doubles of this module by class name: ports(anagrafe="AnagrafeTre")."""
    return override_settings(CSE_ADAPTERS={**settings.CSE_ADAPTERS, **{k: f"{__name__}.{v}" for k, v in named.items()}})


@dataclass
class _Familiare:
    codice_fiscale: str
    cognome: str
    nome: str
    data_nascita: date | None
    legame: str = "Figlio"
    tipo_relazione: str = "figlio"


@dataclass
class _Scheda:
    data_nascita: date
    famiglia: list = field(default_factory=list)
    cognome: str = "Finto"
    nome: str = "Mario"
    sesso: str = "M"
    luogo_nascita_istat: str = "072029"
    comune_residenza_istat: str = "072029"
    indirizzo_residenza: str = "Via dei Test 1"


class AnagrafeTre:
    """A household of three: the applicant (born 1985), a child born 2015, a grandmother born 1950."""

    def consulta(self, codice_fiscale, ctx):
        return _Scheda(
            data_nascita=date(1985, 5, 1),
            famiglia=[
                _Familiare("FGLTST15A01F284X", "Finto", "Luca", date(2015, 1, 1)),
                _Familiare("NNNTST50A41F284X", "Finta", "Ada", date(1950, 1, 1), "Madre", "genitore"),
            ],
        )


class AnagrafeGiu:
    def consulta(self, codice_fiscale, ctx):
        raise ServiceUnavailable("ANPR non risponde in questo momento.")


@dataclass
class _Attestazione:
    valore: Decimal
    valida_al: date
    tipo: str = "ordinario"
    protocollo_dsu: str = "INPS-ISEE-2027-00000001A-00"
    data_presentazione: date = date(2027, 1, 10)
    fascia: str = "2"


class IseeValido:
    def consulta(self, codice_fiscale, tipo, ctx):
        return _Attestazione(Decimal("5400.50"), timezone.localdate() + timedelta(days=200))


class IseeScaduto:
    def consulta(self, codice_fiscale, tipo, ctx):
        return _Attestazione(Decimal("5400.50"), timezone.localdate() - timedelta(days=1))


class IseeAssente:
    def consulta(self, codice_fiscale, tipo, ctx):
        raise NotFound("Nessuna attestazione.")


class IseeGiu:
    def consulta(self, codice_fiscale, tipo, ctx):
        raise ServiceUnavailable("INPS non risponde in questo momento.")


class ProtocolloInMemoria:
    """A protocol register in memory: numbers from 1, the same registration again for a key already seen."""

    registrazioni: dict[str, Segnatura] = {}

    def registra(self, documento, ctx):
        if documento.chiave not in self.registrazioni:
            numero = len(self.registrazioni) + 1
            self.registrazioni[documento.chiave] = Segnatura(
                numero, date.today(), documento.codice_amministrazione, documento.codice_aoo, documento.registro,
                f"<Segnatura><NumeroRegistrazione>{numero:07d}</NumeroRegistrazione></Segnatura>",
            )  # fmt: skip
        return self.registrazioni[documento.chiave]

    def stato(self, chiave, ctx):
        return self.registrazioni.get(chiave)


class ProtocolloGiu:
    def registra(self, documento, ctx):
        raise ServiceUnavailable("Il protocollo informatico non risponde in questo momento.")

    def stato(self, chiave, ctx):
        raise ServiceUnavailable("Il protocollo informatico non risponde in questo momento.")


# --- a final ranking and its payments ---------------------------------------------------------------------------------

IBAN_OK = "IT60 X054 2811 1010 0000 0123 456"
IBAN_BAD_CHECK = "IT61X0542811101000000123456"


def finalise(graduatoria, by):
    """Past the objection period (tests move the clock, not the row)."""
    from unittest import mock

    later = graduatoria.pubblicata_il + timedelta(days=graduatoria.bando.giorni_opposizione, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        return actions.graduatoria_finalise(graduatoria=graduatoria, by=by)


def funded(ente, by, *, isee=("5000", "4000"), **bando_overrides):
    """A closed bando with a final ranking decided by an approved provvedimento (drafted by `by`, approved by a second
    responsabile): one instructed domanda per ISEE, each awarded up to 400 euro of the 1000 (the third and later get
    what is left only with assegnazione_parziale). Returns (bando, [domande])."""
    from cse.bandi.provvedimento import actions as provv
    from tests.support.provvedimenti import secondo_responsabile, sottoposto

    bando = make_bando(ente, by, **bando_overrides)
    domande = [istruita(bando, by, isee=value) for value in isee]
    bando = close_window(bando, by)
    graduatoria = finalise(actions.graduatoria_compute(bando=bando, by=by), by)
    provv.provvedimento_approve(provvedimento=sottoposto(bando, graduatoria, by), by=secondo_responsabile(ente))
    return bando, [Domanda.objects.get(pk=d.pk) for d in domande]
