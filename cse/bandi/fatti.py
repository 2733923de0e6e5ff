"""The facts a bando's criteria may test: the code list of `schema.criteri[].fatto`.

Source: issue 21 §1 ("who may apply: residence, age, household, ISEE ceiling") and the data the ports give
(cse/cartella/ports.py: ANPR household C020/C021, INPS ISEE ordinario); `dichiarazione.<codice>` names one of the
bando's own DPR 445/2000 self-declarations (true when ticked).
"""

from __future__ import annotations

FATTI: dict[str, str] = {
    "isee.valore": "Valore ISEE ordinario (euro)",
    "eta": "Età del richiedente alla chiusura del bando (anni)",
    "residenza.comune_istat": "Comune di residenza (codice ISTAT)",
    "nucleo.componenti": "Componenti del nucleo familiare",
    "nucleo.minori": "Minori nel nucleo",
    "nucleo.disabili": "Persone con disabilità nel nucleo",
    "nucleo.over65": "Persone con più di 65 anni nel nucleo",
}
DICHIARAZIONE = "dichiarazione."


def is_known_fact(codice: str) -> bool:
    return codice in FATTI or (codice.startswith(DICHIARAZIONE) and len(codice) > len(DICHIARAZIONE))


def fact_label(codice: str) -> str:
    if codice.startswith(DICHIARAZIONE):
        return f"Dichiarazione «{codice.removeprefix(DICHIARAZIONE)}»"
    return FATTI.get(codice, codice)
