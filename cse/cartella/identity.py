"""Codice fiscale checks (DM 23/12/1976; python-codicefiscale handles omocodia and Belfiore codes)."""

from __future__ import annotations

import unicodedata
from datetime import date

from codicefiscale import codicefiscale

from cse.core.validators import CF_LENGTH_MESSAGE, CF_MESSAGE, is_valid_codice_fiscale


def normalise_cf(value: str) -> str:
    return "".join(value.split()).upper()


def codice_fiscale_problems(
    cf: str, *, cognome: str, nome: str, sesso: str, data_nascita: date | None, luogo_nascita: str
) -> list[str]:
    """Italian messages for every way `cf` disagrees with the declared identity; empty when consistent."""
    if len(cf) != 16:
        return [CF_LENGTH_MESSAGE]
    if not is_valid_codice_fiscale(cf):
        return [CF_MESSAGE]
    decoded = codicefiscale.decode(cf)
    raw = decoded["raw"]
    problems: list[str] = []
    if cognome and codicefiscale.encode_lastname(cognome) != raw["lastname"]:
        problems.append("Il codice fiscale non corrisponde al cognome indicato.")
    if nome and codicefiscale.encode_firstname(nome) != raw["firstname"]:
        problems.append("Il codice fiscale non corrisponde al nome indicato.")
    if sesso and decoded["gender"] != sesso:
        problems.append("Il codice fiscale non corrisponde al sesso indicato.")
    born = decoded["birthdate"]
    # the CF holds only two year digits: compare day, month and year modulo 100 (a 1920 birth decodes as 2020).
    if data_nascita and (born.day, born.month, born.year % 100) != (
        data_nascita.day,
        data_nascita.month,
        data_nascita.year % 100,
    ):
        problems.append("Il codice fiscale non corrisponde alla data di nascita indicata.")
    birthplace = decoded.get("birthplace") or {}
    if luogo_nascita and birthplace.get("code", raw["birthplace"]) != luogo_nascita.upper():
        problems.append("Il codice fiscale non corrisponde al luogo di nascita indicato.")
    return problems


def search_key(value: str) -> str:
    """Uppercase A-Z only ("D'Angelo" → "DANGELO", "Nicolò" → "NICOLO"): prefix search by index range scans."""
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_only.upper() if "A" <= ch <= "Z")


def prefix_range(prefix: str) -> tuple[str, str]:
    """[low, high) bounds of the keys starting with `prefix` (a non-empty search_key)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def what_the_cf_says(cf: str) -> dict[str, str]:
    """What a codice fiscale says about its holder, to prefill the registration form as it is typed: birth date
    (ISO), sex, birthplace (Belfiore code and name). Pure computation on the code, nothing stored is read; a code that
    is not a valid CF gives {"errore": the Italian message}."""
    cf = normalise_cf(cf)
    if len(cf) != 16:
        return {"errore": CF_LENGTH_MESSAGE}
    if not is_valid_codice_fiscale(cf):
        return {"errore": CF_MESSAGE}
    decoded = codicefiscale.decode(cf)
    place = decoded.get("birthplace") or {}
    province = place.get("province", "")
    name = place.get("name", "")
    if name and province and province != "EE":  # EE: a foreign state
        name = f"{name} ({province})"
    return {
        "data_nascita": decoded["birthdate"].date().isoformat(),
        "sesso": decoded["gender"],
        "luogo_nascita": place.get("code", decoded["raw"]["birthplace"]),
        "luogo_nome": name,
    }


def foreign_states(prefix: str, *, limit: int = 10) -> list[tuple[str, str]]:
    """(Belfiore Z-code, name) of the foreign states whose name starts with `prefix`, for the birthplace suggestions.
    The list is python-codicefiscale's (the same table that validates the CF's birthplace)."""
    from codicefiscale.codicefiscale import _get_data  # the library's own table; no public accessor exists

    key = search_key(prefix)
    if not key:
        return []
    found: dict[str, str] = {}
    for entries in _get_data()["countries"].values():
        for entry in entries:
            if entry.get("active", True) and search_key(entry["name"]).startswith(key):
                found.setdefault(entry["code"], entry["name"])
    return sorted(found.items(), key=lambda item: item[1])[:limit]
