from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin
from cse.core.validators import normalise_codice_fiscale, validate_codice_fiscale

from .glossary import Argomento


class DatiPrenotazioneForm(StyledFormMixin, forms.Form):
    """Steps 3 and 4 of the booking: topic and reason, then name and contacts (prefilled after login)."""

    argomento = forms.ChoiceField(label="Argomento", choices=[("", "—"), *Argomento.choices])
    motivo = forms.CharField(label="Motivo, in breve", max_length=500, widget=forms.Textarea)
    nome = forms.CharField(max_length=100)
    cognome = forms.CharField(max_length=100)
    email = forms.EmailField(
        label="E-mail", help_text="riceverai qui la ricevuta (e, senza accesso, il link di conferma)"
    )
    telefono = forms.CharField(max_length=30, required=False)


class AccessoProvaForm(StyledFormMixin, forms.Form):
    codice_fiscale = forms.CharField(label="Codice fiscale", max_length=16)
    nome = forms.CharField(max_length=100)
    cognome = forms.CharField(max_length=100)

    def clean_codice_fiscale(self) -> str:
        cf = normalise_codice_fiscale(self.cleaned_data["codice_fiscale"])
        validate_codice_fiscale(cf)
        return cf
