"""XML of the SIUSS flows: PS/PSA/SINA (PS_PSA_SINA201812.xsd) and SINBA (SINBA.xsd), namespace
http://inps.it/Casellario. Cooperation mode: one beneficiary and one prestazione per flow (XSD annotations).

The builders take already checked data (preflight.py lists what is missing); they never guess a value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from cse.core.codelists.aree import SIUSS_AREA_UTENZA
from cse.core.codelists.isee import TipoIsee, fascia_isee
from cse.core.codelists.nomenclatore import Carattere
from cse.core.pseudonym import pseudonym

from .glossary import ISTAT_TO_ISO, ITALIA_ISO, NAMESPACE, PresenzaProvaMezzi

NS = f"{{{NAMESPACE}}}"


@dataclass(frozen=True)
class Window:
    """The part of a prestazione a flow reports: a calendar quarter for periodic ones (dates in the same year, as
    SIUSS requires), the whole prestazione for occasional ones."""

    periodo: str
    inizio: date
    fine: date | None

    @property
    def mesi(self) -> int:
        end = self.fine or self.inizio
        return (end.year - self.inizio.year) * 12 + end.month - self.inizio.month + 1


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _ente(parent, *, nome: str, eservice) -> None:
    ident = etree.SubElement(parent, NS + "IdentificazioneFlusso", Nome=nome)
    etree.SubElement(
        ident,
        NS + "Ente",
        Codice=eservice.codice_siuss,
        Denominazione=eservice.ente.nome[:100],
        Indirizzo=eservice.belfiore_sede,
        CFOperatore=eservice.cf_operatore,
    )


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def presa_in_carico(cartella) -> bool:
    """Taken in charge = the case has a progetto individuale (phase 3 of the case, DM 206/2014 art. 1)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return cartella.progetto is not None
    except ObjectDoesNotExist:
        return False


def isee_for(assistito, on: date):
    """The ISEE attestation valid on the prestazione's start date (the most recent one)."""
    valid = [i for i in assistito.isee.all() if i.valida_dal <= on <= i.valida_al]  # .all(): uses a prefetch
    return max(valid, key=lambda i: i.valida_dal, default=None)


def isee_minore_for(assistito, on: date):
    """For SINBA: the ISEE for benefits to minors when one is valid on the date, else any valid attestation."""
    valid = [i for i in assistito.isee.all() if i.valida_dal <= on <= i.valida_al]
    minorenne = [i for i in valid if i.tipo == TipoIsee.MINORENNE]
    return max(minorenne or valid, key=lambda i: i.valida_dal, default=None)


def build_ps_xml(*, nome: str, eservice, prestazione, window: Window, tipo_operazione: str = "I") -> bytes:
    return serialise(
        ps_element(
            nome=nome, eservice=eservice, prestazione=prestazione, window=window, tipo_operazione=tipo_operazione
        )
    )


def ps_element(*, nome: str, eservice, prestazione, window: Window, tipo_operazione: str = "I") -> etree._Element:
    """The PS flow as a tree: validated in memory by the batch (no parse), then serialised (`serialise`)."""
    cartella, assistito = prestazione.cartella, prestazione.cartella.assistito
    dati = prestazione.dati_siuss
    root = etree.Element(NS + "Flusso", nsmap={None: NAMESPACE})
    _ente(root, nome=nome, eservice=eservice)
    beneficiario = etree.SubElement(root, NS + "Beneficiario", CodiceFiscale=assistito.codice_fiscale)
    etree.SubElement(
        beneficiario,
        NS + "Anagrafica",
        Cognome=assistito.cognome.upper()[:36],
        Nome=assistito.nome.upper()[:36],
        AnnoNascita=f"{assistito.data_nascita.year:04d}",
        LuogoNascita=assistito.luogo_nascita,
        Genere="1" if assistito.sesso == "M" else "2",
        CodiceCittadinanza=ISTAT_TO_ISO[assistito.cittadinanza],
    )
    comune = assistito.comune_residenza
    etree.SubElement(
        beneficiario,
        NS + "Indirizzo",
        CodiceRegione=comune.regione.codice_istat,
        CodiceComune=comune.codice_istat,
        CodiceNazione=ITALIA_ISO,
    )
    attrs = {
        "TipoOperazione": tipo_operazione,
        "PresenzaProvaMezzi": dati.presenza_prova_mezzi,
        "CaratterePrestazione": str(prestazione.carattere),
        "CodicePrestazione": prestazione.voce.codice,
        "DenominazionePrestazione": prestazione.voce.denominazione[:200],
        "ProtocolloDomanda": dati.protocollo_domanda,
        "ImportoQuotaEnte": _money(dati.quota_ente),
        "ImportoQuotaUtente": _money(dati.quota_utente),
        "ImportoQuotaSSN": _money(dati.quota_ssn),
    }
    if dati.presenza_prova_mezzi == PresenzaProvaMezzi.ISEE:
        isee = isee_for(assistito, window.inizio)
        attrs |= {
            "NumeroProtocolloDSU": isee.protocollo_dsu,
            "AnnoProtocolloDSU": f"{isee.data_presentazione.year:04d}",
            "DataDSU": isee.data_presentazione.isoformat(),
        }
    if prestazione.carattere == Carattere.PERIODICA:
        attrs |= {
            "DataInizioPrestazione": window.inizio.isoformat(),
            "DataFinePrestazione": window.fine.isoformat(),
            "PeriodoErogazione": str(window.mesi),
            "ImportoMensile": _money(dati.importo_mensile),
        }
    else:
        attrs |= {
            "DataErogazionePrestazione": window.inizio.isoformat(),
            "ImportoPrestazione": _money(prestazione.importo),
        }
    if dati.ore_servizio_mensile is not None:
        attrs["OreServizioMensile"] = _money(dati.ore_servizio_mensile)
    if presa_in_carico(cartella):
        attrs |= {"PresaCarico": "1", "AreaUtenza": str(SIUSS_AREA_UTENZA[cartella.area])}
    else:
        attrs["PresaCarico"] = "2"
    ps = etree.SubElement(beneficiario, NS + "PrestazioniSociali", attrs)
    sina = getattr(cartella, "valutazione_sina", None)
    if sina is not None:
        _sina(ps, sina)
    return root


def _sina(parent, sina) -> None:
    attrs = {
        "Mobilita": sina.mobilita,
        "AttivitaVitaQuotidiana": sina.attivita_vita_quotidiana,
        "DisturbiComportamentali": sina.disturbi_comportamentali,
        "AreaReddituale": sina.area_reddituale,
        "AreaSupporto": sina.area_supporto,
        "FonteDerivazioneValutazione": sina.fonte_valutazione,
        "StrumentoValutazione": sina.strumento_valutazione,
    }
    for attr, value in (
        ("DisturbiAreaCognitiva", sina.disturbi_area_cognitiva),
        ("NecessitaCureSanitarie", sina.necessita_cure_sanitarie),
        ("FonteDerivazioneInvalidita", sina.fonte_invalidita),
    ):
        if value:
            attrs[attr] = value
    element = etree.SubElement(parent, NS + "SINA", attrs)
    if sina.necessita_interventi:
        block = etree.SubElement(element, NS + "NecessitaInterventiSociali")
        for codice in sina.necessita_interventi:
            etree.SubElement(block, NS + "CodicePrestazione").text = codice
    if sina.invalidita_civile:
        block = etree.SubElement(element, NS + "InvaliditaCivile")
        for codice in sina.invalidita_civile:
            etree.SubElement(block, NS + "InvCiv").text = str(codice)


def sinba_beneficiary_id(assistito) -> str:
    """Pseudonymous IDBeneficiario (≤ 20 characters, SINBA.xsd): keyed HMAC, stable per minor, never the CF."""
    stable = assistito.codice_fiscale or f"{assistito.owner_ente.codice}:{assistito.identificativo_temporaneo}"
    return pseudonym(stable, domain="sinba")[:20].upper()


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def fascia_eta(age: int) -> str:
    """SINBA FasciaEtaBeneficiario: 1 = 0-3, 2 = 3-6, ... 6 = 15-18 years."""
    return str(min(max(age, 0) // 3 + 1, 6))


def _mese_anno(value: date) -> str:
    return f"{value:%m/%Y}"


def build_sinba_xml(*, nome: str, eservice, prestazione) -> bytes:
    return serialise(sinba_element(nome=nome, eservice=eservice, prestazione=prestazione))


def sinba_element(*, nome: str, eservice, prestazione) -> etree._Element:
    cartella, assistito = prestazione.cartella, prestazione.cartella.assistito
    scheda = cartella.scheda_sinba
    root = etree.Element(NS + "Flusso", nsmap={None: NAMESPACE})
    _ente(root, nome=nome, eservice=eservice)
    comune = assistito.comune_residenza
    attrs = {
        "IDBeneficiario": sinba_beneficiary_id(assistito),
        "MinoreStranieroNoAcc": scheda.minore_straniero_non_accompagnato,
        "CondizioneMinore": scheda.condizione_minore,
        "LuogoVita": scheda.luogo_vita,
        "ScuolaFrequentata": scheda.scuola_frequentata,
        "CondizioneLavoro": scheda.condizione_lavoro,
        "Disabilita": scheda.disabilita,
        "DataPrimaSegnalazione": _mese_anno(scheda.data_prima_segnalazione),
        "FonteSegnalazione": scheda.fonte_segnalazione,
        "ValutazioneMinore": scheda.valutazione_minore,
        "ValutazioneFamigliaMinore": scheda.valutazione_famiglia,
        "SegnalazioneAutoritaGiudiziaria": "1" if scheda.segnalazione_autorita_giudiziaria else "2",
        "ProvvedimentoGiudiziario": "1" if scheda.provvedimento_giudiziario else "2",
        "FasciaEtaBeneficiario": fascia_eta(age_on(assistito.data_nascita, prestazione.data_inizio)),
        "AnnoNascita": f"{assistito.data_nascita.year:04d}",
        "CodiceNazioneResidenza": ITALIA_ISO,
    }
    if comune is not None:
        attrs["CodiceRegioneResidenza"] = comune.regione.codice_istat
    if scheda.segnalazione_autorita_giudiziaria and scheda.data_segnalazione:
        attrs["DataSegnalazione"] = _mese_anno(scheda.data_segnalazione)
    if scheda.provvedimento_giudiziario and scheda.data_provvedimento:
        attrs["DataProvvedimentoGiudiziario"] = _mese_anno(scheda.data_provvedimento)
    if scheda.numero_componenti_isee is not None:
        attrs["NumeroComponentiISEE"] = str(scheda.numero_componenti_isee)
    isee = isee_minore_for(assistito, prestazione.data_inizio)
    if isee is not None:  # the band derived from the attested value (taken from INPS or typed from the attestazione)
        attrs["FasciaISEEBeneficiario"] = fascia_isee(isee.valore)
    element = etree.SubElement(root, NS + "SINBA", attrs)
    prestazioni = etree.SubElement(element, NS + "Prestazioni")
    etree.SubElement(prestazioni, NS + "CodicePrestazione").text = prestazione.voce.codice
    famiglia = etree.SubElement(element, NS + "Famiglia")
    for codice in scheda.composizione_famiglia:
        etree.SubElement(famiglia, NS + "ComposizioneFamiglia").text = str(codice)
    return root


def cancellation_xml(original: bytes, *, nome: str) -> bytes:
    """The cancellation of a transmitted PS flow: the same content, TipoOperazione="C" and a new flow name
    (seeds/faq-siuss-webinar-2023.txt 2.8: "senza modificare gli altri campi del flusso già trasmesso")."""
    root = etree.fromstring(original)
    root.find(NS + "IdentificazioneFlusso").set("Nome", nome)
    for ps in root.iter(NS + "PrestazioniSociali"):
        ps.set("TipoOperazione", "C")
    return serialise(root)
