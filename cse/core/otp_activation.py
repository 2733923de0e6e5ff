"""Activation codes for the first TOTP enrolment of an operator: issued by the ente's administrator, hashed,
one-time and expiring (no self-enrolment on a stolen password)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import CodiceAttivazione, Ente, Operatore

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied from paper
CODE_LENGTH = 12  # 12 × 5 bits = 60 bits
WRONG = "Codice di attivazione non valido: controllarlo o chiederne uno nuovo all'amministratore dell'ente."
EXPIRED = "Codice di attivazione scaduto: chiederne uno nuovo all'amministratore dell'ente."
USED = "Codice di attivazione già usato: chiederne uno nuovo all'amministratore dell'ente."


def _normalise(codice: str) -> str:
    return "".join(ch for ch in codice.upper() if ch.isalnum())


def _hash(codice: str) -> str:
    return hashlib.sha256(_normalise(codice).encode()).hexdigest()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


@transaction.atomic
def codice_attivazione_issue(*, operatore: Operatore, ente: Ente, by) -> str:
    """A new code for `operatore` (shown once to the administrator, never stored in clear); earlier unused codes
    stop working. Refused for one's own account and for an operator whose second factor is already active."""
    if operatore.user_id == by.pk:
        raise ValidationError("Il codice per il proprio account va chiesto a un altro amministratore dell'ente.")
    if has_confirmed_device(operatore.user):
        raise ValidationError("L'operatore ha già attivato il secondo fattore.")
    now = timezone.now()
    CodiceAttivazione.objects.filter(operatore=operatore, usato_il__isnull=True, scade_il__gt=now).update(scade_il=now)
    codice = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    CodiceAttivazione.objects.create(
        operatore=operatore,
        ente=ente,
        codice_hash=_hash(codice),
        emesso_da=by,
        scade_il=now + timedelta(hours=settings.CSE_OTP_ACTIVATION_HOURS),
    )
    return "-".join(codice[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def codice_attivazione_redeem(*, user, codice: str) -> TOTPDevice:
    """Spend the code of `user` and give them a fresh, unconfirmed TOTP device (its secret is shown only now)."""
    found = (
        CodiceAttivazione.objects.select_for_update().filter(codice_hash=_hash(codice), operatore__user=user).first()
    )
    if found is None:
        raise ValidationError(WRONG)
    if found.usato_il is not None:
        raise ValidationError(USED)
    if found.scade_il <= timezone.now():
        raise ValidationError(EXPIRED)
    found.usato_il = timezone.now()
    found.save(update_fields=["usato_il"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, confirmed=False, name="App TOTP")


def otp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Step 2 of the activation: a first valid code proves the phone holds the secret, and the device becomes the
    user's second factor. False (nothing confirmed) for a wrong code."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save()
    return True
