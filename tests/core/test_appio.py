"""The App IO port: a message is checked against IO's limits in the caller's code (Italian messages), the CTA front
matter is written as the app reads it, and the domain reaches the adapter configured in CSE_ADAPTERS."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.core.appio import Cta, DatiPagamento, MessaggioIO, app_io, messaggio_valido

TESTO = "Il suo appuntamento allo sportello sociale è confermato per martedì alle ore 10:00, primo piano."


def test_a_valid_message_passes_and_its_markdown_carries_the_cta():
    m = MessaggioIO("k/1", "VRDLGU70C12F284F", "Appuntamento confermato", TESTO, (Cta("Vedi", "https://x.example/"),))
    assert messaggio_valido(m) is m
    assert m.markdown().splitlines()[:5] == [
        "---",
        "it:",
        "    cta_1:",
        '        text: "Vedi"',
        '        action: "iohandledlink://https://x.example/"',
    ]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"oggetto": "Breve"}, "oggetto"),
        ({"testo": "Troppo corto."}, "testo"),
        ({"codice_fiscale": "NONVALIDO"}, "codice fiscale"),
        ({"pagamento": DatiPagamento(Decimal("0.00"), "301000000000004299")}, "maggiore di zero"),
        ({"pagamento": DatiPagamento(Decimal("10.00"), "123")}, "18 cifre"),
    ],
)
def test_what_io_would_refuse_is_refused_in_italian(changes, fragment):
    fields = {"chiave": "k/2", "codice_fiscale": "VRDLGU70C12F284F", "oggetto": "Esito della domanda", "testo": TESTO}
    with pytest.raises(ValidationError, match=fragment):
        messaggio_valido(MessaggioIO(**{**fields, **changes}))


def test_the_domain_gets_the_configured_adapter(settings):
    settings.CSE_ADAPTERS = {**settings.CSE_ADAPTERS, "appio": "interop.adapters.AppIoServizi"}
    assert type(app_io()).__name__ == "AppIoServizi"
