"""The protocollo informatico adapter against its simulator: progressive numbers per AOO and year, the key honoured
(also when the answer was lost), the AgID segnatura, and every failure mapped to the shared errors."""

import base64
import hashlib
import itertools
from datetime import date

import pytest
from defusedxml import ElementTree

from cse.core.external import BadResponse, InvalidRequest, ServiceUnavailable
from cse.core.protocollo import DocumentoDaProtocollare
from interop.models import ChiamataInterop
from interop.protocollo import client as protocollo

NS = "{http://www.agid.gov.it/protocollo/}"
_aoo = itertools.count(1)


@pytest.fixture
def sim(simulator_suite, simulators):
    """The protocol simulator, with no scenario left over; each test uses its own AOO (its numbers start at 1)."""
    app = simulator_suite[1]["protocollo"].get_app()
    app.scenari.clear()
    app.oggi = date.today
    yield app
    app.scenari.clear()
    app.oggi = date.today


@pytest.fixture
def aoo():
    return f"AOO_T{next(_aoo):04d}"


def documento(aoo: str, chiave: str, contenuto: bytes = b"domanda", **changes) -> DocumentoDaProtocollare:
    fields = {
        "chiave": chiave,
        "verso": "entrata",
        "oggetto": "Domanda di contributo economico - bando 2026",
        "corrispondente": "Richiedente della domanda",
        "codice_amministrazione": "c_x001",
        "codice_aoo": aoo,
        "registro": "PROT_GEN",
        "nome_file": "domanda.pdf",
        "sha256": hashlib.sha256(contenuto).hexdigest(),
    }
    return DocumentoDaProtocollare(**{**fields, **changes})


def test_numbers_start_at_one_and_follow_each_other_per_aoo(sim, ctx, aoo):
    first = protocollo.registra(documento(aoo, f"{aoo}-a"), ctx)
    second = protocollo.registra(documento(aoo, f"{aoo}-b", b"altra"), ctx)
    other_aoo = protocollo.registra(documento(aoo + "X", f"{aoo}-c"), ctx)
    assert (first.numero, second.numero, other_aoo.numero) == (1, 2, 1)
    assert first.data == date.today() and first.numero_registrazione == "0000001"
    assert first.codice_aoo == aoo and first.registro == "PROT_GEN"
    assert ChiamataInterop.objects.filter(e_service="protocollo", operazione="registra", esito="ok").count() == 3


def test_a_new_year_starts_again_from_one(sim, ctx, aoo):
    protocollo.registra(documento(aoo, f"{aoo}-2026"), ctx)
    sim.oggi = lambda: date(2027, 1, 2)
    new_year = protocollo.registra(documento(aoo, f"{aoo}-2027"), ctx)
    assert (new_year.numero, new_year.data) == (1, date(2027, 1, 2))


def test_the_same_key_gets_the_same_registration(sim, ctx, aoo):
    first = protocollo.registra(documento(aoo, f"{aoo}-k"), ctx)
    again = protocollo.registra(documento(aoo, f"{aoo}-k"), ctx)
    assert (again.numero, again.data, again.xml) == (first.numero, first.data, first.xml)
    assert protocollo.registra(documento(aoo, f"{aoo}-next"), ctx).numero == 2


def test_a_key_reused_for_another_document_is_refused(sim, ctx, aoo):
    protocollo.registra(documento(aoo, f"{aoo}-k"), ctx)
    with pytest.raises(InvalidRequest) as err:
        protocollo.registra(documento(aoo, f"{aoo}-k", b"un altro documento"), ctx)
    assert err.value.code == "CHIAVE_USATA"


def test_an_answer_lost_after_registering_costs_no_second_number(sim, ctx, aoo):
    """The simulator registers, then answers after the client's timeout; the retry gets the same number."""
    sim.scenari.append("risposta_persa")
    segnatura = protocollo.registra(documento(aoo, f"{aoo}-persa"), ctx)
    assert segnatura.numero == 1
    assert protocollo.registra(documento(aoo, f"{aoo}-dopo"), ctx).numero == 2
    first_call = ChiamataInterop.objects.filter(e_service="protocollo", operazione="registra").order_by("id").first()
    assert (first_call.esito, first_call.tentativi) == ("ok", 2)


def test_the_segnatura_is_the_agid_one(sim, ctx, aoo):
    contenuto = b"%PDF-1.7 domanda"
    segnatura = protocollo.registra(documento(aoo, f"{aoo}-xml", contenuto), ctx)
    root = ElementTree.fromstring(segnatura.xml.encode())
    assert root.tag == f"{NS}SegnaturaInformatica" and root.get("versione") == "3.0.0"
    ident = root.find(f"{NS}Intestazione/{NS}Identificatore")
    assert [child.tag.removeprefix(NS) for child in ident] == [
        "CodiceAmministrazione",
        "CodiceAOO",
        "CodiceRegistro",
        "NumeroRegistrazione",
        "DataRegistrazione",
    ]
    assert ident.findtext(f"{NS}CodiceAmministrazione") == "c_x001"
    assert ident.findtext(f"{NS}NumeroRegistrazione") == "0000001"
    assert ident.findtext(f"{NS}DataRegistrazione") == date.today().isoformat()
    assert root.findtext(f"{NS}Intestazione/{NS}Oggetto") == "Domanda di contributo economico - bando 2026"
    impronta = root.find(f"{NS}Descrizione/{NS}Documento/{NS}Impronta")
    assert impronta.get("algoritmo") == "SHA-256"
    assert impronta.text == base64.b64encode(hashlib.sha256(contenuto).digest()).decode()


def test_the_registration_can_be_read_back_by_key(sim, ctx, aoo):
    segnatura = protocollo.registra(documento(aoo, f"{aoo}-letta"), ctx)
    assert protocollo.stato(f"{aoo}-letta", ctx) == segnatura
    assert protocollo.stato(f"{aoo}-mai-vista", ctx) is None


@pytest.mark.parametrize(
    "scenario, error, code",
    [
        ("offline", ServiceUnavailable, "http_503"),
        ("timeout", ServiceUnavailable, "timeout"),
        ("malformato", BadResponse, "malformata"),
        ("richiesta_invalida", InvalidRequest, "RICHIESTA_INVALIDA"),
    ],
)
def test_failures_become_the_shared_errors(sim, ctx, aoo, settings, scenario, error, code):
    settings.CSE_INTEROP_RETRIES = 0
    sim.scenari.append(scenario)
    with pytest.raises(error) as err:
        protocollo.registra(documento(aoo, f"{aoo}-{scenario}"), ctx)
    assert err.value.code == code


def test_a_wrong_api_key_is_refused(sim, ctx, aoo, settings):
    settings.CSE_INTEROP_SERVICES = {
        **settings.CSE_INTEROP_SERVICES,
        "protocollo": {**settings.CSE_INTEROP_SERVICES["protocollo"], "api_key": "sbagliata"},
    }
    with pytest.raises(BadResponse):
        protocollo.registra(documento(aoo, f"{aoo}-chiave"), ctx)
