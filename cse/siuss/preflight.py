"""Pre-flight check of a prestazione before any flow is built: every missing or inconsistent field, in Italian.

Nothing is silently dropped: a prestazione with problems gets no flow and its problems are stored (VerificaSiuss)
and listed in the operator's worklist until fixed. The rules come from PS_PSA_SINA201812.xsd, SINBA.xsd and their
annotations (quotas adding up, DSU fields all or none, AreaUtenza required with PresaCarico=1, dates in one year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cse.core.codelists.aree import SIUSS_AREA_UTENZA, AreaBisogno
from cse.core.codelists.nomenclatore import Carattere
from cse.core.validators import is_valid_codice_fiscale

from .builders import age_on, isee_for, presa_in_carico
from .glossary import ISTAT_TO_ISO, MINOR_AGE, PresenzaProvaMezzi


def is_minor(prestazione) -> bool:
    return age_on(prestazione.cartella.assistito.data_nascita, prestazione.data_inizio) < MINOR_AGE


def ente_problems(eservice) -> list[str]:
    if eservice is None:
        return ["l'ente erogatore non ha configurato l'e-service WaaS SIUSS"]
    problems = []
    if not eservice.cf_operatore:
        problems.append(f"manca il codice fiscale del responsabile della trasmissione di {eservice.ente}")
    elif not is_valid_codice_fiscale(eservice.cf_operatore):  # stored before the full check existed
        problems.append(f"il codice fiscale del responsabile della trasmissione di {eservice.ente} non è valido")
    if not eservice.attivo:
        problems.append(f"l'e-service SIUSS di {eservice.ente} non è attivo")
    return problems


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def prestazione_problems(prestazione, *, eservice, today: date, ente_checked: list[str] | None = None) -> list[str]:
    """Everything that would make the flows of this prestazione wrong or invalid (empty list = ready).
    `ente_checked`: `ente_problems(eservice)` computed once for a batch (the same for all its prestazioni)."""
    cartella, assistito = prestazione.cartella, prestazione.cartella.assistito
    problems = list(ente_problems(eservice) if ente_checked is None else ente_checked)
    if prestazione.data_inizio > today:
        problems.append("la prestazione non è ancora iniziata: si trasmette dopo l'erogazione")
    if not assistito.codice_fiscale:
        problems.append("manca il codice fiscale della persona (c'è solo un identificativo temporaneo)")
    if assistito.comune_residenza_id is None:
        problems.append("manca il comune di residenza della persona")
    if assistito.cittadinanza not in ISTAT_TO_ISO:
        problems.append(
            f"la cittadinanza (codice ISTAT {assistito.cittadinanza}) non ha un codice ISO 3166 noto per il SIUSS"
        )
    if len(assistito.luogo_nascita or "") != 4:
        problems.append("manca il luogo di nascita (codice catastale di 4 caratteri)")
    if len(prestazione.voce.denominazione) < 10:
        problems.append("la denominazione della voce del nomenclatore è più corta di 10 caratteri")
    if presa_in_carico(cartella) and SIUSS_AREA_UTENZA.get(cartella.area) is None:
        label = AreaBisogno(cartella.area).label if cartella.area else "non indicata"
        problems.append(f"manca l'area utenza SIUSS: l'area della cartella ({label}) non è una delle tre aree SIUSS")
    dati = getattr(prestazione, "dati_siuss", None)
    if dati is None:
        problems.append("mancano i dati SIUSS della prestazione (protocollo della domanda, prova dei mezzi, quote)")
    else:
        problems += _dati_problems(prestazione, dati)
    if is_minor(prestazione):
        problems += _sinba_problems(cartella)
    return problems


def _dati_problems(prestazione, dati) -> list[str]:
    problems = []
    if not dati.protocollo_domanda:
        problems.append("manca il protocollo della domanda")
    if not dati.presenza_prova_mezzi:
        problems.append("manca l'indicazione della prova dei mezzi")
    elif dati.presenza_prova_mezzi == PresenzaProvaMezzi.ISEE:
        problems += _isee_problems(prestazione)
    return problems + _quote_problems(prestazione, dati)


def _isee_problems(prestazione) -> list[str]:
    """The means test is the ISEE: one valid at the start date, with its DSU protocol and filing date."""
    isee = isee_for(prestazione.cartella.assistito, prestazione.data_inizio)
    if isee is None:
        return ["manca un ISEE valido alla data di inizio della prestazione"]
    problems = []
    if not isee.protocollo_dsu:
        problems.append("manca il protocollo DSU")
    elif len(isee.protocollo_dsu) > 30:
        problems.append("il protocollo DSU supera i 30 caratteri")
    if isee.data_presentazione is None:
        problems.append("manca la data di presentazione della DSU")
    return problems


def _quote_problems(prestazione, dati) -> list[str]:
    """The shares (ente + utente + SSN) must add up to the monthly amount (periodic) or to the amount."""
    quote = dati.quota_ente + dati.quota_utente + dati.quota_ssn
    detail = f"ente {_fmt(dati.quota_ente)} + utente {_fmt(dati.quota_utente)} + SSN {_fmt(dati.quota_ssn)}"
    if prestazione.carattere == Carattere.PERIODICA:
        if dati.importo_mensile is None:
            return ["manca l'importo mensile della prestazione periodica"]
        if quote != dati.importo_mensile:
            return [f"le quote ({detail}) non sommano all'importo mensile ({_fmt(dati.importo_mensile)})"]
    elif quote != prestazione.importo:
        return [f"le quote ({detail}) non sommano all'importo della prestazione ({_fmt(prestazione.importo)})"]
    return []


def _sinba_problems(cartella) -> list[str]:
    scheda = getattr(cartella, "scheda_sinba", None)
    if scheda is None:
        return ["manca la scheda SINBA del minore"]
    problems = []
    if scheda.segnalazione_autorita_giudiziaria and scheda.data_segnalazione is None:
        problems.append("manca la data della segnalazione all'autorità giudiziaria (scheda SINBA)")
    if scheda.provvedimento_giudiziario and scheda.data_provvedimento is None:
        problems.append("manca la data del provvedimento giudiziario (scheda SINBA)")
    if not scheda.composizione_famiglia:
        problems.append("manca la composizione della famiglia (scheda SINBA)")
    if cartella.assistito.comune_residenza_id is None:
        problems.append("manca la regione di residenza del minore (scheda SINBA)")
    return problems
