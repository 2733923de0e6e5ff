"""Synthetic people known to the simulated ANPR and INPS (no real data: names invented, CFs computed from them),
and the magic codici fiscali that make a simulator answer with an error (valid CFs, so the CSE does call)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from codicefiscale import codicefiscale


def _cf(cognome: str, nome: str, sesso: str, nascita: date, luogo: str) -> str:
    return codicefiscale.encode(
        lastname=cognome, firstname=nome, gender=sesso, birthdate=nascita.strftime("%d/%m/%Y"), birthplace=luogo
    )


@dataclass
class Persona:
    cognome: str
    nome: str
    sesso: str
    data_nascita: date
    luogo_catastale: str
    luogo_istat: str
    luogo_nome: str
    comune_istat: str
    comune_nome: str
    specie: str
    via: str
    civico: str
    cap: str
    residente_dal: date
    famiglia: str
    legame: str
    cittadinanza: str = "100"
    isee: list[dict] = field(default_factory=list)

    @cached_property
    def codice_fiscale(self) -> str:
        return _cf(self.cognome, self.nome, self.sesso, self.data_nascita, self.luogo_catastale)

    @property
    def id_anpr(self) -> str:
        return "AN" + self.codice_fiscale[:6] + self.codice_fiscale[-4:]


MOLFETTA = {"luogo_catastale": "F284", "luogo_istat": "072029", "luogo_nome": "MOLFETTA"}
RES_MOLFETTA = {"comune_istat": "072029", "comune_nome": "MOLFETTA", "cap": "70056"}
RES_GIOVINAZZO = {"comune_istat": "072022", "comune_nome": "GIOVINAZZO", "cap": "70054"}

PERSONE: list[Persona] = [
    Persona(
        "Rossi",
        "Mario",
        "M",
        date(1961, 3, 12),
        **MOLFETTA,
        **RES_MOLFETTA,
        specie="VIA",
        via="ROMA",
        civico="14",
        residente_dal=date(1998, 5, 4),
        famiglia="F1",
        legame="1",
        isee=[
            {
                "tipo": "Ordinario",
                "isee": "8450.32",
                "ise": "16900.64",
                "isr": "14200.00",
                "isp": "13503.20",
                "scala": "2.46",
                "dsu": "INPS-ISEE-2026-00012345A-00",
                "presentata": date(2026, 2, 10),
            },
            {
                "tipo": "SocioSanitario",
                "isee": "11020.10",
                "ise": "11020.10",
                "isr": "9800.00",
                "isp": "6101.00",
                "scala": "1.00",
                "dsu": "INPS-ISEE-2026-00012346B-00",
                "presentata": date(2026, 2, 10),
            },
        ],
    ),
    Persona(
        "Bianchi",
        "Anna",
        "F",
        date(1964, 7, 2),
        **MOLFETTA,
        **RES_MOLFETTA,
        specie="VIA",
        via="ROMA",
        civico="14",
        residente_dal=date(1998, 5, 4),
        famiglia="F1",
        legame="2",
    ),
    Persona(
        "Rossi",
        "Luca",
        "M",
        date(2011, 9, 20),
        **MOLFETTA,
        **RES_MOLFETTA,
        specie="VIA",
        via="ROMA",
        civico="14",
        residente_dal=date(2011, 9, 20),
        famiglia="F1",
        legame="3",
        isee=[
            {
                "tipo": "Minorenne",
                "isee": "8450.32",
                "ise": "16900.64",
                "isr": "14200.00",
                "isp": "13503.20",
                "scala": "2.46",
                "dsu": "INPS-ISEE-2026-00012347C-00",
                "presentata": date(2026, 2, 10),
            }
        ],
    ),
    Persona(
        "Lorusso",
        "Giuseppina",
        "F",
        date(1938, 1, 30),
        **MOLFETTA,
        **RES_GIOVINAZZO,
        specie="PIAZZA",
        via="VITTORIO EMANUELE II",
        civico="3",
        residente_dal=date(1970, 1, 1),
        famiglia="F2",
        legame="1",
        isee=[
            {
                "tipo": "SocioSanitario",
                "isee": "6980.00",
                "ise": "6980.00",
                "isr": "6980.00",
                "isp": "0",
                "scala": "1.00",
                "dsu": "INPS-ISEE-2026-00099881D-00",
                "presentata": date(2026, 1, 15),
            },
            {
                "tipo": "Residenziale",
                "isee": "9120.40",
                "ise": "9120.40",
                "isr": "6980.00",
                "isp": "10702.00",
                "scala": "1.00",
                "dsu": "INPS-ISEE-2026-00099882E-00",
                "presentata": date(2026, 1, 15),
            },
        ],
    ),
    Persona(
        "De Palma",
        "Vito",
        "M",
        date(1985, 11, 5),
        **MOLFETTA,
        **RES_MOLFETTA,
        specie="VIA",
        via="GIOVANNI XXIII",
        civico="88",
        residente_dal=date(2019, 3, 1),
        famiglia="F3",
        legame="1",
    ),
    Persona(
        "Cappelluti",
        "Rosa",
        "F",
        date(1988, 4, 17),
        **MOLFETTA,
        **RES_MOLFETTA,
        specie="VIA",
        via="GIOVANNI XXIII",
        civico="88",
        residente_dal=date(2019, 3, 1),
        famiglia="F3",
        legame="23",
    ),
]
BY_CF = {p.codice_fiscale: p for p in PERSONE}
BY_ID_ANPR = {p.id_anpr: p for p in PERSONE}


def famiglia(persona: Persona) -> list[Persona]:
    return [p for p in PERSONE if p.famiglia == persona.famiglia]


# Magic CFs: valid codici fiscali of no one, each turning on one scenario of the simulators.
MAGIC_CF = {
    _cf("Simulatore", "Offline", "M", date(1970, 1, 1), "F284"): "offline",
    _cf("Simulatore", "Timeout", "M", date(1970, 1, 1), "F284"): "timeout",
    _cf("Simulatore", "Malformato", "M", date(1970, 1, 1), "F284"): "malformato",
    _cf("Simulatore", "Invalida", "M", date(1970, 1, 1), "F284"): "richiesta_invalida",
    _cf("Simulatore", "Manomessa", "M", date(1970, 1, 1), "F284"): "firma_manomessa",
}
CF_SCENARIO = {scenario: cf for cf, scenario in MAGIC_CF.items()}
