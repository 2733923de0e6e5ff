"""The forms of the liquidazione pages (operator and citizen). Amounts are never typed: they come from the ranking."""

from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin

from ..glossary import Intestatario


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IbanForm(StyledFormMixin, forms.Form):
    iban = forms.CharField(label="IBAN", max_length=40, help_text="27 caratteri per un conto italiano: IT…")
    intestatario = forms.ChoiceField(
        label="Intestatario del conto", choices=Intestatario.choices, initial=Intestatario.BENEFICIARIO
    )
    delegato_codice_fiscale = forms.CharField(label="Codice fiscale del delegato", max_length=16, required=False)
    delegato_cognome = forms.CharField(label="Cognome del delegato", max_length=100, required=False)
    delegato_nome = forms.CharField(label="Nome del delegato", max_length=100, required=False)


class PianoForm(StyledFormMixin, forms.Form):
    numero_rate = forms.IntegerField(label="Numero di rate", min_value=1, max_value=24, initial=1)
    dal = forms.DateField(label="Il contributo decorre dal", widget=DateInput())
    mesi = forms.IntegerField(label="Mesi coperti da ogni rata", min_value=1, max_value=12, initial=1)


class MandatoForm(StyledFormMixin, forms.Form):
    rata = forms.IntegerField(widget=forms.HiddenInput)
    mandato_numero = forms.CharField(label="Numero del mandato", max_length=40)
    mandato_data = forms.DateField(label="Data del mandato", widget=DateInput())


class RevocaForm(StyledFormMixin, forms.Form):
    motivo = forms.CharField(label="Motivo della revoca", widget=forms.Textarea(attrs={"rows": 2}))
    atto_numero = forms.CharField(label="Numero dell'atto di revoca", max_length=40)
    atto_data = forms.DateField(label="Data dell'atto", widget=DateInput())
    decorrenza = forms.DateField(
        label="Revocato dal", widget=DateInput(), required=False, help_text="vuoto: dall'inizio (tutte le rate)"
    )
