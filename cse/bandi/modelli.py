"""Ready-made criteria ("modelli") an operator picks when creating a bando, instead of writing the JSON schema.

Source: issue 21 §1 (who may apply: residence, ISEE ceiling; points with tie-breakers, e.g. lower ISEE first, then
more minors) and the usual "contributo economico" notices of the comuni (points for minors and persons with
disability in the household). Each model is a function of a few parameters returning a schema for cse/bandi/rules.py.
"""

from __future__ import annotations

from decimal import Decimal


def contributo_economico(soglia_isee: Decimal, comuni_istat: list[str]) -> dict:
    """ISEE ≤ soglia and residence in the comuni; 10 points if minors in the household, 10 if persons with
    disability; ties: lower ISEE first, then more minors."""
    return {
        "criteri": [
            {
                "codice": "isee_soglia",
                "etichetta": f"ISEE fino a {soglia_isee} euro",
                "tipo": "requisito",
                "fatto": "isee.valore",
                "condizione": {"operatore": "<=", "valore": str(soglia_isee)},
            },
            {
                "codice": "residenza",
                "etichetta": "Residenza nel territorio",
                "tipo": "requisito",
                "fatto": "residenza.comune_istat",
                "condizione": {"operatore": "in", "valore": comuni_istat},
            },
            {
                "codice": "minori",
                "etichetta": "Minori nel nucleo",
                "tipo": "punteggio",
                "fatto": "nucleo.minori",
                "condizione": {"operatore": ">=", "valore": 1},
                "punti": 10,
            },
            {
                "codice": "disabili",
                "etichetta": "Persone con disabilità nel nucleo",
                "tipo": "punteggio",
                "fatto": "nucleo.disabili",
                "condizione": {"operatore": ">=", "valore": 1},
                "punti": 10,
            },
        ],
        "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}, {"fatto": "nucleo.minori", "ordine": "desc"}],
    }


def fasce_isee(soglia_isee: Decimal, comuni_istat: list[str]) -> dict:
    """ISEE ≤ soglia and residence; points by ISEE band (the lower the ISEE, the more points); ties: lower ISEE."""
    meta = (soglia_isee / 2).quantize(Decimal("0.01"))
    return {
        "criteri": [
            *contributo_economico(soglia_isee, comuni_istat)["criteri"][:2],
            {
                "codice": "fasce_isee",
                "etichetta": "Punti per fascia ISEE",
                "tipo": "punteggio",
                "fatto": "isee.valore",
                "fasce": [
                    {"da": 0, "a": str(meta), "punti": 30},
                    {"da": str(meta + Decimal("0.01")), "a": str(soglia_isee), "punti": 15},
                ],
            },
        ],
        "spareggi": [{"fatto": "isee.valore", "ordine": "asc"}],
    }


MODELLI = {
    "contributo_economico": (
        "Contributo economico: ISEE, residenza, punti per minori e disabili",
        contributo_economico,
    ),
    "fasce_isee": ("Contributo a fasce ISEE: ISEE, residenza, punti per fascia", fasce_isee),
}


def schema_from_model(codice: str, soglia_isee: Decimal, comuni_istat: list[str]) -> dict:
    return MODELLI[codice][1](soglia_isee, comuni_istat)
