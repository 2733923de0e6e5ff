from __future__ import annotations

from django import forms

from .forms_util import StyledFormMixin
from .roles import ROLES_BY_TIPO_ENTE, Ruolo
from .validators import validate_codice_fiscale


class OperatoreCreateForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="Nome utente", max_length=150)
    first_name = forms.CharField(label="Nome", max_length=150)
    last_name = forms.CharField(label="Cognome", max_length=150)
    email = forms.EmailField(label="E-mail")
    codice_fiscale = forms.CharField(label="Codice fiscale", max_length=16, validators=[validate_codice_fiscale])
    qualifica = forms.CharField(label="Qualifica", max_length=120, required=False)
    ruolo = forms.ChoiceField(label="Ruolo")
    password = forms.CharField(label="Password iniziale", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, tipo_ente: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruolo"].choices = [(r, Ruolo(r).label) for r in ROLES_BY_TIPO_ENTE[tipo_ente]]


class OtpTokenForm(StyledFormMixin, forms.Form):
    token = forms.RegexField(
        label="Codice a 6 cifre", regex=r"^\d{6}$", error_messages={"invalid": "Il codice è composto da 6 cifre."}
    )


class CodiceAttivazioneForm(StyledFormMixin, forms.Form):
    codice = forms.CharField(
        label="Codice di attivazione",
        max_length=20,
        help_text="Il codice monouso ricevuto dall'amministratore del proprio ente (es. ABCD-EFGH-JKLM).",
    )
