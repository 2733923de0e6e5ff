"""Festività nazionali: the days on which public offices are closed everywhere in Italy.

Source: L. 27 maggio 1949, n. 260, art. 2, as amended by L. 5 marzo 1977, n. 54 (which removed San Giuseppe, the
Ascensione, the Corpus Domini, Santi Pietro e Paolo and 4 novembre), DPR 28 dicembre 1985, n. 792 (Epifania back),
L. 20 novembre 2000, n. 336 (Festa della Repubblica on 2 giugno) and L. 8 ottobre 2025, n. 151 (San Francesco d'Assisi,
4 ottobre, from 2026). Sundays are festive too, but an office's weekly rules already say whether it opens on them.
The comune's patron saint day is local and configured per ente (cse/cittadino/calendario.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter

FIXED: dict[tuple[int, int], str] = {
    (1, 1): "Capodanno",
    (1, 6): "Epifania",
    (4, 25): "Festa della Liberazione",
    (5, 1): "Festa del Lavoro",
    (6, 2): "Festa della Repubblica",
    (8, 15): "Assunzione di Maria Vergine (Ferragosto)",
    (11, 1): "Ognissanti",
    (12, 8): "Immacolata Concezione",
    (12, 25): "Natale",
    (12, 26): "Santo Stefano",
}
SAN_FRANCESCO = (10, 4)
SAN_FRANCESCO_FROM_YEAR = 2026


def festivita_nazionali(year: int) -> dict[date, str]:
    """Every national holiday of `year` with its Italian name (Easter Monday moves: computed, Gregorian calendar)."""
    days = {date(year, month, day): name for (month, day), name in FIXED.items()}
    days[easter(year) + timedelta(days=1)] = "Lunedì dell'Angelo"
    if year >= SAN_FRANCESCO_FROM_YEAR:
        days[date(year, *SAN_FRANCESCO)] = "San Francesco d'Assisi, patrono d'Italia"
    return days
