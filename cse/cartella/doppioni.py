"""Why two records of one comune may be the same person: the rules, as pure functions (no query here).

The rules, each with the Italian reason the worklist shows:
- two codici fiscali that are omocodic variants of one code (DM 23/12/1976 art. 4: when two people would get the
  same code, the Agenzia delle Entrate replaces digits with letters, LMNPQRSTUV for 0-9, from the right);
- the same STP or ENI code (people without a codice fiscale, below);
- name and surname swapped, with the same birth date;
- a similar name (trigram similarity, the same measure as PostgreSQL's pg_trgm, so SQLite finds what PostgreSQL
  finds) with the same birth date; or the same name with another birth date (a typo in the date).

Codes for people without a codice fiscale (`identificativo_temporaneo`):
- STP, Straniero Temporaneamente Presente (Circolare del Ministero della Sanità n. 5 del 24 marzo 2000; D.P.R.
  394/1999 art. 43): 16 characters, "STP" + ISTAT code of the region (3 digits) + code of the ASL that issues it
  (3 digits) + a progressive number (7 digits);
- ENI, Europeo Non Iscritto (Accordo Stato-Regioni del 20 dicembre 2012, rep. 255/CSR, punto 1.3): the same
  structure with "ENI";
- anything else is a provisional identifier of the comune, to be reconciled with the codice fiscale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# the positions of a codice fiscale that hold digits, and the letters omocodia puts in their place (0-9)
OMOCODIA_POSITIONS = (6, 7, 9, 10, 12, 13, 14)
OMOCODIA_LETTERS = "LMNPQRSTUV"
_TO_DIGIT = str.maketrans(OMOCODIA_LETTERS, "0123456789")

STP_ENI_RE = re.compile(r"^(STP|ENI)(\d{3})(\d{3})(\d{7})$")
STP_ENI_MESSAGE = (
    "Un codice {tipo} ha 16 caratteri: «{tipo}», il codice ISTAT della regione (3 cifre), il codice dell'ASL "
    "(3 cifre) e un numero progressivo (7 cifre)."
)

# below this trigram similarity two names with the same birth date are not proposed
SIMILARITY_THRESHOLD = 0.5


class TipoIdentificativo:
    CF = "CF"
    STP = "STP"
    ENI = "ENI"
    PROVVISORIO = "provvisorio"


def codice_fiscale_base(cf: str) -> str:
    """The code before omocodia, without its check character: the same for every omocodic variant of one code
    ("" for anything that is not a 16-character code)."""
    if len(cf) != 16:
        return ""
    chars = list(cf.upper())
    for pos in OMOCODIA_POSITIONS:
        chars[pos] = chars[pos].translate(_TO_DIGIT)
    return "".join(chars[:15])


def normalise_identificativo(value: str) -> str:
    return "".join(value.split()).upper()


def tipo_identificativo(codice_fiscale: str, identificativo_temporaneo: str) -> str:
    """Which kind of code identifies the person: the codice fiscale, an STP or ENI code, or a provisional id."""
    if codice_fiscale:
        return TipoIdentificativo.CF
    code = normalise_identificativo(identificativo_temporaneo)
    if code.startswith(("STP", "ENI")) and STP_ENI_RE.match(code):
        return code[:3]
    return TipoIdentificativo.PROVVISORIO


def stp_eni_problems(identificativo_temporaneo: str) -> list[str]:
    """An identifier that starts like an STP or ENI code must have that code's format."""
    code = normalise_identificativo(identificativo_temporaneo)
    if code[:3] in ("STP", "ENI") and not STP_ENI_RE.match(code):
        return [STP_ENI_MESSAGE.format(tipo=code[:3])]
    return []


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: lower case, words of letters and digits, each padded with two spaces before and one
    after ("ros" → "  r", " ro", "ros", "os ")."""
    grams: set[str] = set()
    for word in re.findall(r"[0-9a-z]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two texts (0 … 1)."""
    ga, gb = trigrams(a or ""), trigrams(b or "")
    if not ga or not gb:
        return 0.0
    common = len(ga & gb)
    return common / (len(ga) + len(gb) - common)


@dataclass(frozen=True)
class Persona:
    """What the rules read of a record (built from a row of Assistito, or from values)."""

    pk: int
    cognome_ricerca: str
    nome_ricerca: str
    data_nascita: date
    codice_fiscale: str = ""
    identificativo_temporaneo: str = ""

    @property
    def nome_completo(self) -> str:
        return f"{self.cognome_ricerca} {self.nome_ricerca}"


@dataclass
class Coppia:
    """A candidate pair of one comune: `a.pk < b.pk`, a score (0 … 1) and the reasons, best first."""

    a: Persona
    b: Persona
    score: float
    reasons: list[str] = field(default_factory=list)
    persone: tuple = ()  # the two Assistito rows, when a selector read them

    @property
    def key(self) -> tuple[int, int]:
        return (self.a.pk, self.b.pk)


def _cf_reason(a: Persona, b: Persona) -> tuple[float, str] | None:
    omocodic = a.codice_fiscale != b.codice_fiscale and codice_fiscale_base(a.codice_fiscale) == codice_fiscale_base(
        b.codice_fiscale
    )
    return (1.0, "stesso codice fiscale omocodico") if a.codice_fiscale and b.codice_fiscale and omocodic else None


def _code_reason(a: Persona, b: Persona) -> tuple[float, str] | None:
    code_a = normalise_identificativo(a.identificativo_temporaneo)
    if (
        a.codice_fiscale
        or b.codice_fiscale
        or not code_a
        or code_a != normalise_identificativo(b.identificativo_temporaneo)
    ):
        return None
    kind = tipo_identificativo("", code_a)
    return 1.0, "stesso " + (
        f"codice {kind}" if kind != TipoIdentificativo.PROVVISORIO else "identificativo provvisorio"
    )


def _name_reason(a: Persona, b: Persona) -> tuple[float, str] | None:
    same_date = a.data_nascita == b.data_nascita
    swapped = a.cognome_ricerca == b.nome_ricerca and a.nome_ricerca == b.cognome_ricerca
    if swapped and same_date and a.cognome_ricerca != a.nome_ricerca:
        return 0.95, "nome e cognome invertiti, stessa data di nascita"
    same_name = (a.cognome_ricerca, a.nome_ricerca) == (b.cognome_ricerca, b.nome_ricerca)
    if same_name and same_date:
        return 0.9, "stesso nome e cognome, stessa data di nascita"
    if same_name:
        return 0.6, "stesso nome e cognome, data di nascita diversa"
    sim = similarity(a.nome_completo, b.nome_completo)
    if same_date and sim >= SIMILARITY_THRESHOLD:
        return round(0.5 + sim * 0.35, 2), f"nome simile {sim:.2f}, stessa data di nascita".replace(".", ",", 1)
    return None


def different_people(a: Persona, b: Persona) -> bool:
    """Two codici fiscali that are not variants of one code belong to two people, whatever their names."""
    return bool(
        a.codice_fiscale
        and b.codice_fiscale
        and codice_fiscale_base(a.codice_fiscale) != codice_fiscale_base(b.codice_fiscale)
    )


RULES = (_cf_reason, _code_reason, _name_reason)


def compare(a: Persona, b: Persona) -> Coppia | None:
    """The pair with its score (the best rule's) and every reason that holds; None when no rule holds."""
    if a.pk > b.pk:
        a, b = b, a
    if different_people(a, b):
        return None
    found = [hit for rule in RULES if (hit := rule(a, b))]
    if a.pk == b.pk or not found:
        return None
    found.sort(key=lambda hit: -hit[0])
    return Coppia(a=a, b=b, score=found[0][0], reasons=[reason for _, reason in found])
