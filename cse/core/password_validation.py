"""Django's password validators with Italian messages (Django 5.2's Italian catalogue lacks some of them)."""

from __future__ import annotations

from django.contrib.auth import password_validation as pv
from django.core.exceptions import ValidationError

MESSAGES = {
    "password_too_short": "La password è troppo corta: servono almeno {min_length} caratteri.",
    "password_too_common": "La password è troppo comune.",
    "password_entirely_numeric": "La password non può essere composta solo da cifre.",
    "password_too_similar": "La password è troppo simile ai dati personali dell'operatore.",
}


class _Italian:
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            code = exc.error_list[0].code
            message = MESSAGES.get(code, "; ".join(exc.messages))
            raise ValidationError(message.format(min_length=getattr(self, "min_length", "")), code=code) from None

    def get_help_text(self):
        return "Almeno 12 caratteri, non solo cifre, non comune, non simile ai propri dati."


class MinimumLengthValidator(_Italian, pv.MinimumLengthValidator):
    pass


class CommonPasswordValidator(_Italian, pv.CommonPasswordValidator):
    pass


class NumericPasswordValidator(_Italian, pv.NumericPasswordValidator):
    pass


class UserAttributeSimilarityValidator(_Italian, pv.UserAttributeSimilarityValidator):
    pass
