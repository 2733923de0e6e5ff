"""The domain reaches the external systems only through its ports: settings.CSE_ADAPTERS picks each adapter, so a
test (or a deployment) swaps one without touching the domain."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from cse.cartella.recupero import proposta_from_sources
from cse.core.external import NotFound, ServiceUnavailable
from cse.core.ports import adapter
from interop.simulators.data import PERSONE

MARIO = PERSONE[0]


@dataclass
class _Familiare:
    codice_fiscale: str = "BNCNNA80A41A662X"
    cognome: str = "Bianchi"
    nome: str = "Anna"
    data_nascita: date | None = None
    legame: str = "Coniuge"
    tipo_relazione: str = "coniuge"


@dataclass
class _Scheda:
    cognome: str = "Finto"
    nome: str = "Mario"
    sesso: str = "M"
    data_nascita: date = date(1960, 1, 1)
    luogo_nascita_istat: str = ""
    comune_residenza_istat: str = ""
    indirizzo_residenza: str = "Via dei Test 1"
    famiglia: list = field(default_factory=lambda: [_Familiare()])


class AnagrafeFinta:
    def consulta(self, codice_fiscale, ctx):
        return _Scheda()


@dataclass
class _Attestazione:
    tipo: str
    valore: Decimal = Decimal("5000")
    protocollo_dsu: str = "DSU-FINTO"
    data_presentazione: date = date(2026, 1, 10)
    valida_al: date = date(2026, 12, 31)
    fascia: str = "3"


class IseeSoloOrdinario:
    def consulta(self, codice_fiscale, tipo, ctx):
        if tipo != "ordinario":
            raise NotFound("Nessuna attestazione.")
        return _Attestazione(tipo=tipo)


class IseeGiu:
    def consulta(self, codice_fiscale, tipo, ctx):
        raise ServiceUnavailable("INPS non risponde.")


def _with(**ports):
    return override_settings(CSE_ADAPTERS={**settings.CSE_ADAPTERS, **ports})


@pytest.mark.django_db
def test_the_default_adapters_are_the_interop_ones_and_satisfy_the_ports():
    assert type(adapter("anagrafe")).__module__ == "interop.adapters"
    for name, methods in {
        "anagrafe": ["consulta"],
        "isee": ["consulta"],
        "provenienze": ["registra"],
        "sistemi_regionali": ["dimissioni_protette", "stato_occupazionale", "avvisi_aperti"],
        "piano_di_zona": ["interventi_piano_di_zona"],
        "protocollo": ["registra", "stato"],
        "pagopa": ["crea_posizione", "stato", "ricevute"],
        "appio": ["accetta", "invia"],
    }.items():
        assert all(callable(getattr(adapter(name), m)) for m in methods), name


def test_a_swapped_adapter_is_the_one_the_domain_asks(comune, worker):
    with _with(anagrafe=f"{__name__}.AnagrafeFinta", isee=f"{__name__}.IseeSoloOrdinario"):
        proposta = proposta_from_sources(
            codice_fiscale=MARIO.codice_fiscale,
            user=worker,
            ente=comune,
            motivo="test",
        )
    assert proposta.anpr["cognome"] == "Finto" and proposta.famiglia[0]["tipo"] == "coniuge"
    assert [i["protocollo_dsu"] for i in proposta.isee] == ["DSU-FINTO"] and not proposta.errori


def test_a_port_failure_is_a_message_not_an_exception(comune, worker):
    with _with(anagrafe=f"{__name__}.AnagrafeFinta", isee=f"{__name__}.IseeGiu"):
        proposta = proposta_from_sources(
            codice_fiscale=MARIO.codice_fiscale,
            user=worker,
            ente=comune,
            motivo="test",
        )
    assert proposta.anpr and proposta.isee == [] and proposta.errori == ["INPS non risponde."]
