"""Seed list of the nomenclatore of social interventions and services (DM 206/2014, Tabella 1, partial).

Source: the codes verified in `shared/domain.md` ("Nomenclatore codes (partial)": the prestazioni sociali agevolate
list used by the INPS ISEE e-services, plus codes named in seeds/faq-siuss-webinar-2023.txt). The full table is longer
(third-level codes): it is versioned data (model VoceNomenclatore) that an administrator can load and update; this list
only seeds it. Carattere: 1 periodic, 2 occasional (SIUSS CaratterePrestazione, PS_PSA_SINA201812.xsd), our default
for the form.
"""

from django.db import models


class Carattere(models.IntegerChoices):
    PERIODICA = 1, "Periodica"
    OCCASIONALE = 2, "Occasionale"


# (code, label, default carattere)
SEED: list[tuple[str, str, int]] = [
    ("A1.01", "Assegno al nucleo familiare (comuni)", 1),
    ("A1.02", "Assegno di maternità", 1),
    ("A1.03", "Carta acquisti", 1),
    ("A1.04", "Contributi economici a integrazione del reddito familiare", 2),
    ("A1.05", "Contributi economici per alloggio", 2),
    ("A1.05.01", "Contributi per l'affitto (fondo nazionale)", 2),
    ("A1.06", "Buoni spesa o buoni pasto", 2),
    ("A1.06.01", "Buoni spesa (emergenza Covid)", 2),
    ("A1.07", "Integrazione rette asili nido", 1),
    ("A1.08", "Integrazione rette servizi integrativi prima infanzia", 1),
    ("A1.09", "Contributi per servizi scolastici", 2),
    ("A1.10", "Contributi per cure o prestazioni sociali a rilevanza sanitaria", 2),
    ("A1.11", "Assegnazioni economiche per domiciliarità e autonomia personale", 1),
    ("A1.12", "Integrazione rette centri diurni", 1),
    ("A1.13", "Integrazione rette servizi semi-residenziali", 1),
    ("A1.14", "Integrazione rette servizi residenziali", 1),
    ("A1.15", "Contributi per servizi alla persona", 1),
    ("A1.16", "Contributi per trasporto e mobilità", 2),
    ("A1.17", "Prestiti e prestiti d'onore", 2),
    ("A1.18", "Contributi per inserimento lavorativo", 1),
    ("A1.19", "Borse di studio", 2),
    ("A1.20", "Buono vacanze", 2),
    ("A2.01", "Mensa sociale", 1),
    ("A2.02", "Sostegno socio-educativo territoriale o domiciliare", 1),
    ("A2.03", "Diritto allo studio universitario", 2),
    ("A2.04", "Agevolazioni tasse universitarie", 2),
    ("A2.05", "Agevolazioni per servizi di pubblica utilità", 2),
    ("A2.06", "Agevolazioni tributarie comunali", 2),
    ("A2.07", "Assistenza domiciliare socio-assistenziale", 1),
    ("A2.08", "Assistenza domiciliare integrata con servizi sanitari", 1),
    ("A2.09", "Supporto all'inserimento lavorativo", 1),
    ("A2.10", "Servizi integrativi prima infanzia", 1),
    ("A2.11", "Sostegno socio-educativo scolastico", 1),
    ("A2.12", "Mensa scolastica", 1),
    ("A3.01", "Strutture semiresidenziali", 1),
    ("A3.02", "Strutture residenziali", 1),
    ("A3.03", "Asilo nido", 1),
    ("A9.01.01", "FNA — disabilità gravissima (1)", 1),
    ("A9.01.02", "FNA — disabilità gravissima (2)", 1),
    ("A9.01.03", "FNA — disabilità gravissima (3)", 1),
    ("A9.02.01", "Dopo di Noi (1)", 1),
    ("A9.02.02", "Dopo di Noi (2)", 1),
    ("A9.02.03", "Dopo di Noi (3)", 1),
    ("A9.02.04", "Dopo di Noi (4)", 1),
    ("Z9.99", "Altro", 2),
]


def parent_code(code: str) -> str | None:
    """The code one level up for third-level codes (A9.01.02 → A9.01); None above that level."""
    return code.rsplit(".", 1)[0] if code.count(".") >= 2 else None
