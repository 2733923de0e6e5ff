"""Categories of records that need extra protection: only holders of `view_categorie_protette` create or see them.

Why these categories — what the project's sources support (/work/shared/domain.md, the seeds/ and specs/ it cites):
- Dipendenze, salute mentale: area 3 «Disagio adulti, dipendenze, salute mentale» of the Piano nazionale degli
  interventi e dei servizi sociali 2024-2026 (seeds/piano-nazionale-servizi-sociali-2024-2026.txt; domain.md, "Who
  is who"). SINBA codes «dipendenze»/«dipendenza» and «problematiche psichiatriche» in the assessment of the minor
  and of the family (specs/inps-waas-siuss/SINBA.xsd).
- Violenza, violenza sessuale, abuso su minori: victims of violence and of trafficking are a target of the pronto
  intervento sociale (same seed; domain.md, "SIOSS and the LEPS modules"); SINBA codes «violenza sessuale subita,
  prostituzione, tratta, pedopornografia», «altre forme di violenza e maltrattamento subite», «famiglia
  maltrattante», «famiglia abusante» (SINBA.xsd).
- Stronger protection for sensitive categories: domain.md, "Privacy and security references" (a higher
  small-cell threshold, 5, for sensitive categories in published statistics — Sistan code of conduct); applied here
  to who may see the record.
- HIV, interruzione volontaria di gravidanza, parto in anonimato, consultorio familiare: no support in those
  sources; kept as the authors' choice, pending the check below.

DA VERIFICARE — legal references written from memory, NOT found in domain.md, seeds/ or specs/. Do not show them to
users or quote them in documents until checked against the official text (Gazzetta Ufficiale / Normattiva):
- DPCM 29 settembre 2015 n. 178 (Regolamento FSE), «art. 5 c. 2» — article and paragraph da verificare, as is the
  list it is said to contain: data under the laws protecting people with HIV («L. 135/1990»), women undergoing
  voluntary termination of pregnancy («L. 194/1978»), victims of sexual violence or paedophilia («L. 66/1996»,
  «L. 269/1998»), people using narcotics, psychotropic substances or alcohol («DPR 309/1990»), women choosing to
  give birth anonymously («DPR 396/2000 art. 30 c. 1»), services of the consultori familiari («L. 405/1975»):
  «maggiore tutela dell'anonimato», visible only with the person's explicit consent. The list above mirrors that
  FSE rule for the social record (design choice).
- Violenza di genere e domestica: «L. 69/2019 ("Codice rosso")», «Convenzione di Istanbul (L. 77/2013)» — da
  verificare.
- Salute mentale as health data, a special category: «GDPR art. 9» — da verificare (the seeds cite the GDPR,
  Reg. UE 2016/679, only as a whole: seeds/faq-siuss-webinar-2023.txt, FAQ 2.3).
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
