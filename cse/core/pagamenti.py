"""pagoPA: the port through which the product asks citizens to pay (compartecipazione of a service), and the IUV and
notice-number rules the ente creditore must follow.

Sources: pagoPA "Specifiche attuative dei codici identificativi di versamento, riversamento e rendicontazione"
(SACI), "Generazione dell'Identificativo Univoco di Versamento" — numero avviso schema NAV.3
`3<codice segregazione (2n)><IUV base (13n)><IUV check digit (2n)>`, IUV schema IUV.3 (the last 17 digits), check digit
= remainder of the division by 93 of the number `<aux digit 3><codice segregazione><IUV base>`. Debt positions are
kept on pagoPA's GPD ("Gestione Posizioni Debitorie"): the adapter in interop/pagopa/ speaks its REST API.

Amounts are Decimal with two places here and integer euro cents on the wire (GPD's `amount`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, cast

from django.core.exceptions import ValidationError
from django.db import models

from .external import CallContext
from .ports import adapter

AUX_DIGIT = "3"  # more than one IUV generation point per ente (SACI table 2): the product is one of them
IUV_BASE_DIGITS = 13
CENT = Decimal("0.01")
_SEGREGAZIONE_RE = re.compile(r"^\d{2}$")
_AVVISO_RE = re.compile(r"^\d{18}$")


class StatoAvviso(models.TextChoices):
    """A notice's life on pagoPA (GPD payment position statuses, reduced to what the product acts on)."""

    DA_PAGARE = "da_pagare", "Da pagare"
    PAGATO = "pagato", "Pagato"
    SCADUTO = "scaduto", "Scaduto"
    ANNULLATO = "annullato", "Annullato"


# --- IUV and numero avviso (SACI, schema NAV.3 / IUV.3) -------------------------------------------------------


def iuv_check_digits(segregazione: str, iuv_base: str) -> str:
    """The two check digits of an aux-digit-3 IUV: (3 · segregazione · IUV base) mod 93, zero-padded."""
    return f"{int(AUX_DIGIT + segregazione + iuv_base) % 93:02d}"


def componi_iuv(segregazione: str, progressivo: int) -> str:
    """The 17-digit IUV of the `progressivo`-th notice of the product's generation point (its segregation code).

    `progressivo` is the caller's own durable number (the id of its row): the same debt always gets the same IUV, so
    a retried creation cannot make a second notice."""
    if not _SEGREGAZIONE_RE.match(segregazione or ""):
        raise ValidationError("Il codice di segregazione pagoPA deve essere di due cifre.")
    if not 0 < progressivo < 10**IUV_BASE_DIGITS:
        raise ValidationError("Il progressivo dell'avviso pagoPA deve essere tra 1 e 13 cifre.")
    base = f"{progressivo:0{IUV_BASE_DIGITS}d}"
    return segregazione + base + iuv_check_digits(segregazione, base)


def codice_avviso(iuv: str) -> str:
    """The 18-digit numero avviso printed on the notice: aux digit 3 followed by the IUV."""
    return AUX_DIGIT + iuv


def valida_codice_avviso(value: str) -> str:
    """A numero avviso typed or read back: 18 digits, aux digit 3, check digits right. Returns it without spaces."""
    text = "".join((value or "").split())
    if not _AVVISO_RE.match(text):
        raise ValidationError("Il codice avviso pagoPA è di 18 cifre.")
    if text[0] != AUX_DIGIT:
        raise ValidationError("Il codice avviso non è stato emesso da questo sistema (prima cifra diversa da 3).")
    if iuv_check_digits(text[1:3], text[3:16]) != text[16:]:
        raise ValidationError("Le cifre di controllo del codice avviso non corrispondono: controllare il numero.")
    return text


# --- money ----------------------------------------------------------------------------------------------------


def importo_valido(importo: Decimal) -> Decimal:
    """A payable amount: a Decimal, positive, with at most two decimal places (never a float)."""
    if not isinstance(importo, Decimal) or not importo.is_finite():
        raise ValidationError("L'importo deve essere un numero decimale.")
    if importo <= 0:
        raise ValidationError("L'importo dell'avviso deve essere maggiore di zero.")
    if importo != importo.quantize(CENT):
        raise ValidationError("L'importo dell'avviso può avere al massimo due decimali.")
    return importo.quantize(CENT)


def in_centesimi(importo: Decimal) -> int:
    return int(importo_valido(importo) * 100)


def da_centesimi(centesimi: int) -> Decimal:
    return (Decimal(int(centesimi)) / 100).quantize(CENT)


# --- the port -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PosizioneDebitoria:
    """One amount one person owes the ente. `chiave` is the caller's idempotency key (GPD's IUPD); `progressivo`
    makes the IUV (componi_iuv)."""

    chiave: str
    progressivo: int
    ente_codice_fiscale: str
    ente_denominazione: str
    segregazione: str
    debitore_codice_fiscale: str
    debitore_nome: str
    importo: Decimal
    scadenza: date
    causale: str
    iban_accredito: str = ""


@dataclass(frozen=True)
class Avviso:
    iuv: str
    codice_avviso: str
    importo: Decimal
    scadenza: date
    ente_codice_fiscale: str
    chiave: str
    stato: str = StatoAvviso.DA_PAGARE


@dataclass(frozen=True)
class Ricevuta:
    """A payment made (pagoPA receipt): which notice, how much, when, through which PSP."""

    iuv: str
    importo: Decimal
    pagato_il: datetime
    id_ricevuta: str
    psp: str = ""


class PagoPA(Protocol):
    """pagoPA for one ente creditore. `crea_posizione` is idempotent on `debito.chiave` (the same key returns the
    notice already created). Errors: cse.core.external."""

    def crea_posizione(self, debito: PosizioneDebitoria, ctx: CallContext) -> Avviso: ...

    def stato(self, ente_codice_fiscale: str, iuv: str, ctx: CallContext) -> str:
        """A StatoAvviso value."""
        ...

    def ricevute(self, ente_codice_fiscale: str, dal: date, ctx: CallContext) -> list[Ricevuta]:
        """The receipts of the notices paid since `dal` (inclusive)."""
        ...

    def annulla_posizione(self, ente_codice_fiscale: str, chiave: str, ctx: CallContext) -> str:
        """Invalidate the position created with `chiave`, so its notice can no longer be paid. Idempotent: a position
        already invalid, or never created, answers ANNULLATO; one already paid answers PAGATO (the ente refunds)."""
        ...


def pagopa() -> PagoPA:
    return cast(PagoPA, adapter("pagopa"))


# --- reconciliation -------------------------------------------------------------------------------------------


@dataclass
class Riconciliazione:
    """Receipts matched to the notices the ente expects, by IUV."""

    pagati: dict[str, Ricevuta] = field(default_factory=dict)
    importo_diverso: dict[str, Ricevuta] = field(default_factory=dict)
    sconosciute: list[Ricevuta] = field(default_factory=list)
    ripetute: list[Ricevuta] = field(default_factory=list)


def riconcilia(attesi: Mapping[str, Decimal], ricevute: Iterable[Ricevuta]) -> Riconciliazione:
    """Match each receipt to the expected notice with its IUV: paid (same amount), paid a different amount (to look
    at), a receipt of no notice of ours, or a second receipt for a notice already matched (pagoPA may resend one)."""
    esito = Riconciliazione()
    for ricevuta in ricevute:
        atteso = attesi.get(ricevuta.iuv)
        if atteso is None:
            esito.sconosciute.append(ricevuta)
        elif ricevuta.iuv in esito.pagati or ricevuta.iuv in esito.importo_diverso:
            esito.ripetute.append(ricevuta)
        elif ricevuta.importo == atteso:
            esito.pagati[ricevuta.iuv] = ricevuta
        else:
            esito.importo_diverso[ricevuta.iuv] = ricevuta
    return esito


def creditore_di(ente) -> tuple[str, str]:
    """(codice fiscale dell'ente creditore, codice di segregazione) from settings.CSE_PAGOPA_ENTI by ente code; the
    demo's default is a synthetic fiscal code (8 + the ISTAT code) and segregation code 01."""
    from django.conf import settings

    conf = getattr(settings, "CSE_PAGOPA_ENTI", {}).get(ente.codice, {})
    istat = getattr(getattr(ente, "comune", None), "codice_istat", "") or str(ente.pk)
    return conf.get("codice_fiscale") or f"8{istat:0>10}"[:11], conf.get("segregazione") or "01"
