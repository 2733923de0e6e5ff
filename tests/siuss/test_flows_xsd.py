"""Every flow the scenarios produce validates against the official INPS XSD; content matches the case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from cse.siuss.builders import sinba_beneficiary_id
from cse.siuss.glossary import StatoFlusso, TipoFlusso
from cse.siuss.models import Flusso
from cse.siuss.services import flussi_prepare
from cse.siuss.xsd import xsd_errors
from tests.support.siuss import TODAY, dati, minor_case_in, prestazione, sina

NS = {"c": "http://inps.it/Casellario"}


def _ps(flusso):
    root = etree.fromstring(bytes(flusso.xml))
    return root, root.find("c:Beneficiario/c:PrestazioniSociali", NS)


def _assert_valid(flusso):
    assert xsd_errors(bytes(flusso.xml), flusso.tipo) == [], flusso.id_flusso


@pytest.mark.django_db
def test_occasional_prestazione_gives_one_valid_flow_with_dsu_and_quotas(comune, person, case, a1):
    prestazione(case)  # delivered, no SIUSS data yet
    p = prestazione(case, codice="A1.04", importo="300.00")
    dati(p, quota_ente=Decimal("250"), quota_utente=Decimal("50"))
    result = flussi_prepare(ente=comune, today=TODAY)
    flows = Flusso.objects.filter(prestazione=p)
    assert [f.tipo for f in flows] == [TipoFlusso.PS_PSA_SINA]
    flusso = flows.get()
    _assert_valid(flusso)
    assert flusso.id_flusso == "F284.PS.20261120.0000001" and flusso.stato == StatoFlusso.PRONTO
    root, ps = _ps(flusso)
    assert root.find("c:IdentificazioneFlusso", NS).get("Nome") == flusso.id_flusso
    assert root.find("c:Beneficiario", NS).get("CodiceFiscale") == person.codice_fiscale
    address = root.find("c:Beneficiario/c:Indirizzo", NS)
    assert (address.get("CodiceComune"), address.get("CodiceRegione"), address.get("CodiceNazione")) == (
        "072029",
        "16",
        "380",
    )
    assert ps.get("CaratterePrestazione") == "2" and ps.get("ImportoPrestazione") == "300.00"
    assert ps.get("DataErogazionePrestazione") == "2026-03-10"
    assert (ps.get("NumeroProtocolloDSU"), ps.get("AnnoProtocolloDSU"), ps.get("DataDSU")) == (
        "INPS-ISEE-2026-00012345A-00",
        "2026",
        "2026-01-15",
    )
    assert Decimal(ps.get("ImportoQuotaEnte")) + Decimal(ps.get("ImportoQuotaUtente")) == Decimal("300")
    assert (ps.get("PresaCarico"), ps.get("AreaUtenza")) == ("1", "3")  # taken in charge, povertà
    assert result.created and result.checked >= 2  # the prestazione without SIUSS data was checked too


@pytest.mark.django_db
def test_periodic_prestazione_is_reported_per_completed_quarter_with_sina(comune, case, a1):
    cartella = case
    sina(cartella)
    p = prestazione(cartella, codice="A2.07", carattere=1, inizio=date(2026, 2, 15), fine=None, importo="0")
    dati(
        p,
        importo_mensile=Decimal("400"),
        quota_ente=Decimal("350"),
        quota_utente=Decimal("50"),
        ore_servizio_mensile=20,
    )
    flussi_prepare(ente=comune, today=TODAY)
    flows = list(Flusso.objects.filter(prestazione=p).order_by("periodo"))
    assert [f.periodo for f in flows] == ["2026Q1", "2026Q2", "2026Q3"]  # Q4 not over on 20 November
    for f in flows:
        _assert_valid(f)
    _, q1 = _ps(flows[0])
    assert (q1.get("DataInizioPrestazione"), q1.get("DataFinePrestazione"), q1.get("PeriodoErogazione")) == (
        "2026-02-15",
        "2026-03-31",
        "2",
    )
    assert q1.get("ImportoMensile") == "400.00" and q1.get("OreServizioMensile") == "20.00"
    sina_el = q1.find("c:SINA", NS)
    assert sina_el.get("StrumentoValutazione") == "1" and sina_el.find("c:InvaliditaCivile/c:InvCiv", NS).text == "2"
    # re-running is idempotent; once Q4 is over its flow appears, alone
    flussi_prepare(ente=comune, today=TODAY)
    assert Flusso.objects.filter(prestazione=p).count() == 3
    flussi_prepare(ente=comune, today=date(2027, 1, 2))
    assert sorted(Flusso.objects.filter(prestazione=p).values_list("periodo", flat=True)) == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
    ]


@pytest.mark.django_db
def test_minor_gets_ps_and_sinba_flows_with_a_stable_pseudonym_not_the_cf(comune, worker, a1):
    cartella = minor_case_in(comune, by=worker)
    p = prestazione(cartella, codice="A2.02", importo="120.00")
    dati(p, presenza_prova_mezzi="4")
    flussi_prepare(ente=comune, today=TODAY)
    flows = {f.tipo: f for f in Flusso.objects.filter(prestazione=p)}
    assert set(flows) == {TipoFlusso.PS_PSA_SINA, TipoFlusso.SINBA}
    for f in flows.values():
        _assert_valid(f)
    sinba = flows[TipoFlusso.SINBA]
    assert ".SINBA.20261120." in sinba.id_flusso
    xml = bytes(sinba.xml).decode()
    assert cartella.assistito.codice_fiscale not in xml and "Giulia".upper() not in xml.upper()
    element = etree.fromstring(bytes(sinba.xml)).find("c:SINBA", NS)
    assert element.get("IDBeneficiario") == sinba_beneficiary_id(cartella.assistito)
    assert len(element.get("IDBeneficiario")) == 20
    assert (element.get("FasciaEtaBeneficiario"), element.get("AnnoNascita")) == (
        "3",
        "2017",
    )  # 8 on 10/03/2026: band 6-9
    assert element.get("DataPrimaSegnalazione") == "09/2025" and element.get("DataSegnalazione") == "10/2025"
    assert [c.text for c in element.findall("c:Famiglia/c:ComposizioneFamiglia", NS)] == ["1", "3"]
    # the same child, another prestazione: the same pseudonym
    other = prestazione(cartella, codice="A1.09", importo="80.00")
    dati(other, presenza_prova_mezzi="4")
    flussi_prepare(ente=comune, today=TODAY)
    again = Flusso.objects.get(prestazione=other, tipo=TipoFlusso.SINBA)
    assert etree.fromstring(bytes(again.xml)).find("c:SINBA", NS).get("IDBeneficiario") == element.get("IDBeneficiario")


@pytest.mark.django_db
def test_the_validator_really_rejects_what_the_schema_forbids(comune, case, a1):
    p = prestazione(case)
    dati(p)
    flussi_prepare(ente=comune, today=TODAY)
    xml = bytes(Flusso.objects.get(prestazione=p).xml)
    broken = xml.replace(b'PresaCarico="1"', b'PresaCarico="7"')
    assert broken != xml and xsd_errors(broken, TipoFlusso.PS_PSA_SINA)
    assert xsd_errors(xml, TipoFlusso.SINBA)  # a PS flow is not a SINBA flow


@pytest.mark.django_db
def test_sinba_carries_the_isee_band_derived_from_the_attested_value(comune, worker, a1):
    from cse.cartella.rete import Isee

    cartella = minor_case_in(comune, by=worker)
    child = cartella.assistito
    Isee.objects.create(
        assistito=child,
        tipo="ordinario",
        valore=Decimal("14000.00"),
        protocollo_dsu="INPS-ISEE-2026-00099999A-00",
        data_presentazione=date(2026, 1, 10),
        valida_dal=date(2026, 1, 10),
        valida_al=date(2026, 12, 31),
    )
    p = prestazione(cartella, codice="A2.02", importo="120.00")
    dati(p, presenza_prova_mezzi="4")
    flussi_prepare(ente=comune, today=TODAY)
    sinba = Flusso.objects.get(prestazione=p, tipo=TipoFlusso.SINBA)
    _assert_valid(sinba)
    assert etree.fromstring(bytes(sinba.xml)).find("c:SINBA", NS).get("FasciaISEEBeneficiario") == "6"  # 12-15k
    # an ISEE for minors valid on the date is the one that counts (band 2: up to 3,000 €)
    Isee.objects.create(
        assistito=child,
        tipo="minorenne",
        valore=Decimal("2500.00"),
        protocollo_dsu="INPS-ISEE-2026-00099998A-00",
        data_presentazione=date(2026, 1, 5),
        valida_dal=date(2026, 1, 5),
        valida_al=date(2026, 12, 31),
    )
    other = prestazione(cartella, codice="A1.09", importo="80.00")
    dati(other, presenza_prova_mezzi="4")
    flussi_prepare(ente=comune, today=TODAY)
    again = Flusso.objects.get(prestazione=other, tipo=TipoFlusso.SINBA)
    _assert_valid(again)
    assert etree.fromstring(bytes(again.xml)).find("c:SINBA", NS).get("FasciaISEEBeneficiario") == "2"
