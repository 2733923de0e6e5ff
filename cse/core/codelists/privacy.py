"""Privacy: the informativa given to the person, the purposes that rest on their consent, and the legal bases on which
a case may be shared with someone outside the owner ente's office.

Sources:
- Regolamento (UE) 2016/679 (GDPR): art. 6(1) lett. a, c, e (lawfulness); art. 9(2) lett. a, g, h and 9(3) (special
  categories: health, social care); art. 7(3) (consent can be withdrawn at any time, as easily as given); art. 13-14
  (the informativa).
- D.Lgs. 196/2003 (Codice privacy) as amended by D.Lgs. 101/2018: art. 2-ter (public task: a basis in law or
  regulation), art. 2-sexies c. 2 lett. s (substantial public interest: "attività socio-assistenziali a tutela dei
  minori e soggetti bisognosi, non autosufficienti e incapaci").
- L. 328/2000 art. 14 and 22 (progetto individuale, livelli essenziali); D.Lgs. 147/2017 art. 24 (SIUSS: the
  transmission is a legal obligation); DPCM 12 gennaio 2017 (LEA) art. 21 (valutazione multidimensionale
  socio-sanitaria integrata, UVM).
- D.Lgs. 117/2017 (Codice del Terzo settore): third-sector bodies are private; without a convention that makes them a
  processor (GDPR art. 28) the service shares a case with them only on the person's consent.
- D.Lgs. 82/2005 (CAD) art. 64-bis (App IO, the single access point to the PA's digital services).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class VersioneInformativa(models.TextChoices):
    """The informativa texts the service has used (art. 13 GDPR); a new text gets a new code, old ones stay."""

    V2023_01 = "2023-01", "Informativa servizi sociali, gennaio 2023"
    V2025_01 = "2025-01", "Informativa servizi sociali, gennaio 2025 (App IO e terzo settore)"


class CanalePrivacy(models.TextChoices):
    """How the informativa was given or the consent expressed (art. 7(1): the controller must be able to prove it)."""

    A_MANO = "a_mano", "Consegnata a mano (firma su modulo)"
    EMAIL = "email", "E-mail o PEC"
    PORTALE = "portale", "Portale del cittadino (SPID/CIE)"
    POSTA = "posta", "Posta ordinaria o raccomandata"
    ORALE = "orale", "Illustrata a voce e verbalizzata"


class FinalitaConsenso(models.TextChoices):
    """Purposes whose only legal basis is the person's consent (GDPR art. 6(1)(a), and 9(2)(a) for special data)."""

    TERZO_SETTORE = "terzo_settore", "Condivisione della cartella con enti del terzo settore"
    APP_IO = "app_io", "Messaggi sull'App IO"
    EMAIL = "email", "Contatto via e-mail"


class TramiteRevoca(models.TextChoices):
    OPERATORE = "operatore", "Operatore dei servizi sociali"
    PORTALE = "portale", "Portale del cittadino"


# The GDPR reference of each consent purpose, shown next to it to the operator and to the citizen.
RIFERIMENTO_FINALITA: dict[str, str] = {
    FinalitaConsenso.TERZO_SETTORE: "GDPR art. 6(1)(a) e 9(2)(a); D.Lgs. 117/2017",
    FinalitaConsenso.APP_IO: "GDPR art. 6(1)(a); D.Lgs. 82/2005 art. 64-bis",
    FinalitaConsenso.EMAIL: "GDPR art. 6(1)(a)",
}


class TipoDestinatario(models.TextChoices):
    """Who receives a share of the case (an explicit grant on the cartella)."""

    EQUIPE = "equipe", "Operatore dell'équipe dell'ente titolare"
    ENTE_PUBBLICO = "ente_pubblico", "Operatore di un altro ente pubblico (comune, ambito)"
    UVM = "uvm", "Professionista sanitario dell'UVM (ASL)"
    TERZO_SETTORE = "terzo_settore", "Ente del terzo settore"


class BaseGiuridica(models.TextChoices):
    COMPITO_PUBBLICO = "compito_pubblico", "Compito di interesse pubblico: servizi sociali"
    OBBLIGO_LEGALE = "obbligo_legale", "Obbligo di legge"
    SOCIOSANITARIA = "sociosanitaria", "Valutazione e assistenza socio-sanitaria integrata"
    CONSENSO_TERZO_SETTORE = (
        "consenso_terzo_settore",
        "Consenso dell'interessato alla condivisione con il terzo settore",
    )


@dataclass(frozen=True)
class Base:
    """A legal basis: its GDPR reference, the recipients it covers, the consent it rests on (if any)."""

    codice: str
    riferimento: str
    destinatari: frozenset[str]
    consenso: str = ""  # a FinalitaConsenso: the share holds only while this consent is given

    @property
    def etichetta(self) -> str:
        return f"{BaseGiuridica(self.codice).label} ({self.riferimento})"


D = TipoDestinatario
BASI: dict[str, Base] = {
    b.codice: b
    for b in (
        Base(
            BaseGiuridica.COMPITO_PUBBLICO,
            "GDPR art. 6(1)(e) e 9(2)(g); D.Lgs. 196/2003 art. 2-sexies c. 2 lett. s; L. 328/2000",
            frozenset({D.EQUIPE, D.ENTE_PUBBLICO}),
        ),
        Base(
            BaseGiuridica.OBBLIGO_LEGALE,
            "GDPR art. 6(1)(c) e 9(2)(g); es. D.Lgs. 147/2017 art. 24",
            frozenset({D.ENTE_PUBBLICO}),
        ),
        Base(
            BaseGiuridica.SOCIOSANITARIA,
            "GDPR art. 9(2)(h) e 9(3); DPCM 12/1/2017 (LEA) art. 21",
            frozenset({D.UVM, D.ENTE_PUBBLICO}),
        ),
        Base(
            BaseGiuridica.CONSENSO_TERZO_SETTORE,
            "GDPR art. 6(1)(a) e 9(2)(a); art. 7(3)",
            frozenset({D.TERZO_SETTORE}),
            consenso=FinalitaConsenso.TERZO_SETTORE,
        ),
    )
}


def basi_per(destinatario: str) -> list[Base]:
    """The bases that may cover a share with this kind of recipient, for the form and for the refusal message."""
    return [b for b in BASI.values() if destinatario in b.destinatari]
