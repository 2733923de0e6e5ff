"""manage.py codice_attivazione: the installation's superuser issues the first administrator's activation code."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cse.core.models import CodiceAttivazione
from cse.core.otp_activation import codice_attivazione_redeem
from tests.support.factories import PASSWORD, OperatoreFactory
from tests.support.places import neighbour_comune

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("it.staff", "it@example.invalid", PASSWORD)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("codice_attivazione", *args, stdout=out)
    return out.getvalue()


def test_the_superuser_issues_a_code_printed_once_that_the_administrator_can_redeem(comune, superuser):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    output = _run(admin.username, "--da", superuser.username)
    codes = CODE.findall(output)
    assert len(codes) == 1
    stored = CodiceAttivazione.objects.get(operatore=admin.operatore)
    assert stored.emesso_da == superuser and stored.ente == comune
    assert codes[0] not in stored.codice_hash
    device = codice_attivazione_redeem(user=admin, codice=codes[0])
    assert device.user == admin and not device.confirmed


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-superuser", "non è un superutente attivo"),
        ("unknown-operator", "Nessun operatore attivo"),
        ("wrong-ente", "non ha incarichi attivi presso l'ente"),
        ("own-account", "va chiesto a un altro amministratore"),
    ],
)
def test_the_command_refuses_in_italian_and_writes_nothing(comune, superuser, case, message):
    neighbour = neighbour_comune()
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    neighbour_admin = OperatoreFactory(ente=neighbour, ruolo="amministratore_ente")
    args = [admin.username, "--da", superuser.username]
    if case == "not-superuser":
        args[2] = neighbour_admin.username
    elif case == "unknown-operator":
        args[0] = "nessuno"
    elif case == "wrong-ente":
        args += ["--ente", neighbour.codice]
    elif case == "own-account":
        args[2] = admin.username
        get_user_model().objects.filter(pk=admin.pk).update(is_superuser=True)
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not CodiceAttivazione.objects.exists()
