"""Code lists of the SIUSS flows, each with its source.

- PS/PSA/SINA and SINBA attribute codes: read from the official INPS XSDs copied in `cse/siuss/specs/`
  (`PS_PSA_SINA201812.xsd`, `SINBA.xsd`, MIT licence, INPS 2023): `xsd_choices()` turns an `xs:simpleType`
  enumeration with its `xs:documentation` into Django choices, so the forms offer exactly the codes the schema accepts.
- Flow states and esiti: `api-comuni.yaml` v2.0.1 (EsitoFlusso.codice_esito) and the correction rule of
  `seeds/faq-siuss-webinar-2023.txt` 2.8 (cancel with TipoOperazione C, then insert anew).
- Citizenship and country codes: SIUSS uses ISO 3166-1 numeric codes (380 = Italia, see the example flows in
  api-comuni.yaml and the XSD note "CodiceNazione è Italia (380)"); the anagrafica stores ISTAT state codes
  (100 = Italia). ISTAT_TO_ISO maps the codes we can vouch for; an unmapped code is a pre-flight error, never a guess.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.db import models

SPECS_DIR = Path(__file__).resolve().parent / "specs"
PS_XSD = SPECS_DIR / "PS_PSA_SINA201812.xsd"
SINBA_XSD = SPECS_DIR / "SINBA.xsd"
NAMESPACE = "http://inps.it/Casellario"


@cache
def xsd_choices(xsd: Path, type_name: str) -> list[tuple[str, str]]:
    """(code, label) of an xs:simpleType enumeration of an official XSD, in schema order."""
    text = xsd.read_text(encoding="utf-8")
    block = re.search(rf'<xs:simpleType name="{type_name}">(.*?)</xs:simpleType>', text, re.S)
    if block is None:
        raise LookupError(f"{type_name} non presente in {xsd.name}")
    pairs = re.findall(
        r'<xs:enumeration value="([^"]+)">\s*(?:<xs:annotation>\s*<xs:documentation>(.*?)</xs:documentation>)?',
        block.group(1),
        re.S,
    )
    return [(code, " ".join((label or code).split()).replace("Ã\xa0", "à")) for code, label in pairs]


def ps_choices(type_name: str) -> list[tuple[str, str]]:
    return xsd_choices(PS_XSD, type_name)


def sinba_choices(type_name: str) -> list[tuple[str, str]]:
    return xsd_choices(SINBA_XSD, type_name)


class TipoFlusso(models.TextChoices):
    PS_PSA_SINA = "PS_PSA_SINA", "PS/PSA/SINA"
    SINBA = "SINBA", "SINBA"


# TIPO segment of id_flusso (api-comuni.yaml: "TIPO il formato utilizzato (SINBA o PS)")
ID_FLUSSO_TIPO = {TipoFlusso.PS_PSA_SINA: "PS", TipoFlusso.SINBA: "SINBA"}


class TipoOperazione(models.TextChoices):
    INSERIMENTO = "I", "Inserimento"
    CANCELLAZIONE = "C", "Cancellazione"


class StatoFlusso(models.TextChoices):
    PRONTO = "pronto", "Pronto (validato, non ancora esposto)"
    ESPOSTO = "esposto", "Esposto a INPS"
    ACQUISITO = "acquisito", "Acquisito da SIUSS"
    ERRORE = "errore", "Respinto da SIUSS"
    DA_CORREGGERE = "da_correggere", "Da correggere (cancellazione in corso)"
    ANNULLATO = "annullato", "Annullato o sostituito"


class CodiceEsito(models.TextChoices):
    OK = "OK", "Acquisito"
    DATI_NON_TROVATI = "DATI_NON_TROVATI", "Dati non trovati"
    RICHIESTA_INVALIDA = "RICHIESTA_INVALIDA", "Richiesta non valida"
    ERRORE_GENERICO = "ERRORE_GENERICO", "Errore generico"


class PresenzaProvaMezzi(models.TextChoices):
    ISEE = "1", "Soggetta a ISEE"
    ALTRA = "2", "Soggetta a prova dei mezzi diversa dall'ISEE"
    ESENTE = "3", "Soggetta a ISEE, ma non per questo beneficiario (altri criteri di bisogno)"
    NESSUNA = "4", "Non soggetta a prova dei mezzi"


# ISTAT state code (anagrafica) -> ISO 3166-1 numeric (SIUSS). Codes checked one by one against both tables;
# a small verified subset: extend it from the ISTAT table "Codici dei paesi esteri" and ISO 3166-1.
ISTAT_TO_ISO: dict[str, str] = {
    "100": "380",  # Italia
    "201": "008",  # Albania
    "215": "250",  # Francia
    "216": "276",  # Germania
    "233": "616",  # Polonia
    "235": "642",  # Romania
    "243": "804",  # Ucraina
    "314": "156",  # Cina
    "330": "356",  # India
    "436": "504",  # Marocco
    "460": "788",  # Tunisia
}
ITALIA_ISO = "380"

MINOR_AGE = 18
