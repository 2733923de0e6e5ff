"""Categories of records that need extra protection: only holders of `view_categorie_protette` create or see them.

Sources (cited, not copied; the list mirrors the FSE rule for social-care records):
- DPCM 29 settembre 2015 n. 178 (Regolamento FSE), art. 5 c. 2 — data under the laws protecting people with HIV
  (L. 135/1990), women undergoing voluntary termination of pregnancy (L. 194/1978), victims of sexual violence or
  paedophilia (L. 66/1996, L. 269/1998), people using narcotics, psychotropic substances or alcohol (DPR 309/1990),
  women choosing to give birth anonymously (DPR 396/2000 art. 30 c. 1), and services of the consultori familiari
  (L. 405/1975): "maggiore tutela dell'anonimato", visible only with the person's explicit consent.
- Violenza di genere e domestica, maltrattamento: L. 69/2019 ("Codice rosso"), Convenzione di Istanbul (L. 77/2013);
  Piano sociale nazionale — area "disagio adulti, dipendenze, salute mentale" (/work/shared/domain.md).
- Salute mentale: special category of data (GDPR art. 9), same protection chosen here for the social record.
The article numbers above were taken from the regulation's structure as known to the authors, not re-read from the
Gazzetta Ufficiale in this change: verify before publishing them to users.
"""

from __future__ import annotations

from django.db import models


class CategoriaProtetta(models.TextChoices):
    VIOLENZA = "violenza", "Violenza di genere, domestica o maltrattamento"
    VIOLENZA_SESSUALE = "violenza_sessuale", "Violenza sessuale o abuso su minori"
    DIPENDENZE = "dipendenze", "Dipendenze (sostanze, alcol, gioco)"
    SALUTE_MENTALE = "salute_mentale", "Salute mentale"
    HIV = "hiv", "Infezione da HIV"
    IVG = "ivg", "Interruzione volontaria di gravidanza"
    PARTO_ANONIMO = "parto_anonimo", "Parto in anonimato"
    CONSULTORIO = "consultorio", "Servizi del consultorio familiare"


PROTECTED_REFUSAL = "Il suo ruolo non consente di registrare voci in una categoria a maggiore tutela."
