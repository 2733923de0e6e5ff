"""Synthetic people with valid, consistent codici fiscali. No real personal data: names are drawn from common
Italian first names and surnames, birth data at random, and the CF is computed from them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from codicefiscale import codicefiscale

NOMI_M = [
    "Giuseppe",
    "Giovanni",
    "Antonio",
    "Mario",
    "Francesco",
    "Luigi",
    "Vincenzo",
    "Pietro",
    "Salvatore",
    "Carlo",
    "Domenico",
    "Nicola",
    "Michele",
    "Angelo",
    "Paolo",
    "Marco",
    "Luca",
    "Andrea",
    "Stefano",
    "Roberto",
    "Davide",
    "Matteo",
    "Lorenzo",
    "Alessandro",
    "Gabriele",
    "Leonardo",
    "Tommaso",
    "Riccardo",
    "Cosimo",
    "Vito",
]
NOMI_F = [
    "Maria",
    "Anna",
    "Giuseppina",
    "Rosa",
    "Angela",
    "Giovanna",
    "Teresa",
    "Lucia",
    "Carmela",
    "Caterina",
    "Francesca",
    "Antonella",
    "Paola",
    "Laura",
    "Giulia",
    "Chiara",
    "Sara",
    "Martina",
    "Sofia",
    "Aurora",
    "Alessia",
    "Elena",
    "Silvia",
    "Valentina",
    "Federica",
    "Ilaria",
    "Rita",
    "Grazia",
    "Isabella",
    "Beatrice",
]
COGNOMI = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "De Angelis",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
    "Cattaneo",
    "Morelli",
    "Amato",
    "Silvestri",
    "Mazza",
    "Testa",
    "Grassi",
    "Pellegrino",
    "Carbone",
    "Giuliani",
    "Benedetti",
    "Barone",
    "Rossetti",
    "Caputo",
    "Montanari",
    "Guerra",
    "Palmieri",
    "Bernardi",
    "Martino",
    "Fiore",
    "De Rosa",
    "Ferretti",
    "Bellini",
    "Basile",
    "Riva",
    "Donati",
    "Piras",
    "Vitali",
    "Battaglia",
    "Sartori",
    "Neri",
    "Costantini",
    "Milani",
    "Pagano",
    "Ruggiero",
    "Sorrentino",
    "D'Amico",
    "Orlando",
    "Damico",
    "Negri",
    "Lorusso",
    "Defelice",
]


@dataclass(frozen=True)
class PersonaSintetica:
    cognome: str
    nome: str
    sesso: str
    data_nascita: date
    luogo_nascita: str
    codice_fiscale: str


def codice_fiscale_for(cognome: str, nome: str, sesso: str, data_nascita: date, belfiore: str) -> str:
    """Compose the CF from the library's part encoders (the birthplace is already a Belfiore code: no lookup)."""
    partial = (
        codicefiscale.encode_lastname(cognome)
        + codicefiscale.encode_firstname(nome)
        + codicefiscale.encode_birthdate(datetime(data_nascita.year, data_nascita.month, data_nascita.day), sesso)
        + belfiore
    )
    return partial + codicefiscale.encode_cin(partial)


def generate_people(count: int, *, birthplaces: list[str], seed: int = 2026) -> Iterator[PersonaSintetica]:
    """`count` distinct synthetic people; deterministic for a seed (same demo data every run)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    start = date(1930, 1, 1)
    span = (date(2024, 12, 31) - start).days
    produced = 0
    while produced < count:
        sesso = rng.choice("MF")
        nome = rng.choice(NOMI_M if sesso == "M" else NOMI_F)
        cognome = rng.choice(COGNOMI)
        nascita = start + timedelta(days=rng.randrange(span))
        luogo = rng.choice(birthplaces)
        cf = codice_fiscale_for(cognome, nome, sesso, nascita, luogo)
        if cf in seen:
            continue
        seen.add(cf)
        produced += 1
        yield PersonaSintetica(cognome, nome, sesso, nascita, luogo, cf)
