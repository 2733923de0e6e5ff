"""App IO: the port to the public-services app of the Italian state (PagoPA S.p.A., «IO»), for every message the
product sends to a citizen there — a decision on a bando today, appointment reminders and payment notices later.

The shape follows the published IO services API (api/v1): a service, identified by its subscription key
(Ocp-Apim-Subscription-Key), first asks whether a citizen's profile accepts messages from it (`sender_allowed`), then
sends a message: a subject of 10-120 characters, a markdown body of 80-10,000 characters, optional payment data
(amount in euro cents and the 18-digit pagoPA notice number) and a due date. Call-to-action buttons travel in the
markdown's front matter (`cta_1`, `cta_2` with `text` and `action`), as the IO app reads them.

The port never runs inside a user's request: a domain queues its own notification rows in its transaction and a
worker sends them. `chiave` is the caller's idempotency key: the adapter sends it with the message so a retry after a
lost answer is recognised by a platform that honours it (the local simulator does); the caller keeps the message id
it gets back and never sends a row that already has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, cast

from django.core.exceptions import ValidationError

from .external import CallContext
from .pagamenti import in_centesimi, valida_codice_avviso
from .ports import adapter
from .validators import validate_codice_fiscale

OGGETTO_MIN, OGGETTO_MAX = 10, 120
TESTO_MIN, TESTO_MAX = 80, 10_000
CTA_MAX = 2
CTA_TEXT_MAX = 30


@dataclass(frozen=True)
class Cta:
    """A button under the message: a label and where it leads (an https link of the product)."""

    testo: str
    url: str


@dataclass(frozen=True)
class DatiPagamento:
    """A pagoPA notice attached to the message: the app shows «Paga» with it."""

    importo: Decimal
    codice_avviso: str
    scadenza_vincolante: bool = False


@dataclass(frozen=True)
class MessaggioIO:
    chiave: str
    codice_fiscale: str
    oggetto: str
    testo: str  # markdown, without the CTA front matter (added by `markdown`)
    cta: tuple[Cta, ...] = ()
    scadenza: date | None = None
    pagamento: DatiPagamento | None = None

    def markdown(self) -> str:
        """The body as IO reads it: the CTA front matter (if any) followed by the text."""
        if not self.cta:
            return self.testo
        lines = ["---", "it:"]
        for n, cta in enumerate(self.cta, start=1):
            lines += [f"    cta_{n}:", f'        text: "{cta.testo}"', f'        action: "iohandledlink://{cta.url}"']
        return "\n".join([*lines, "---", self.testo])


def messaggio_valido(messaggio: MessaggioIO) -> MessaggioIO:
    """Refuse, in Italian, what IO would refuse: so a bad message fails in the caller's code, not in the worker."""
    problems = []
    if not messaggio.chiave.strip() or len(messaggio.chiave) > 120:
        problems.append("La chiave del messaggio IO manca o supera i 120 caratteri.")
    try:
        validate_codice_fiscale(messaggio.codice_fiscale)
    except ValidationError:
        problems.append("Il codice fiscale del destinatario del messaggio IO non è valido.")
    if not OGGETTO_MIN <= len(messaggio.oggetto) <= OGGETTO_MAX:
        problems.append(f"L'oggetto del messaggio IO deve avere da {OGGETTO_MIN} a {OGGETTO_MAX} caratteri.")
    if not TESTO_MIN <= len(messaggio.markdown()) <= TESTO_MAX:
        problems.append(f"Il testo del messaggio IO deve avere da {TESTO_MIN} a {TESTO_MAX} caratteri.")
    if len(messaggio.cta) > CTA_MAX or any(len(c.testo) > CTA_TEXT_MAX for c in messaggio.cta):
        problems.append(f"Al più {CTA_MAX} pulsanti, con un'etichetta di al più {CTA_TEXT_MAX} caratteri.")
    if any(not c.url.startswith("https://") for c in messaggio.cta):
        problems.append("I pulsanti del messaggio IO portano solo a indirizzi https.")
    if messaggio.pagamento:
        in_centesimi(messaggio.pagamento.importo)  # refuses a non-positive or sub-cent amount
        valida_codice_avviso(messaggio.pagamento.codice_avviso)
    if problems:
        raise ValidationError(problems)
    return messaggio


class AppIO(Protocol):
    """One IO service of the ente. Errors: cse.core.external (ServiceUnavailable, InvalidRequest, BadResponse)."""

    def accetta(self, codice_fiscale: str, ctx: CallContext) -> bool:
        """Whether the citizen uses IO and accepts messages from this service (False for a non-user)."""
        ...

    def invia(self, messaggio: MessaggioIO, ctx: CallContext) -> str:
        """Send the message; returns IO's message id. Idempotent on `messaggio.chiave` where IO honours the key."""
        ...


def app_io() -> AppIO:
    return cast(AppIO, adapter("appio"))
