"""Forms of the front office's agenda rules: they only parse input; the rules are checked by
cse.cittadino.services_agenda, whose messages are shown on the same form."""

from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin
from cse.core.validators_dates import validate_period

from .agenda import RegolaOrario


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class SportelloSettingsForm(StyledFormMixin, forms.Form):
    durata_slot_minuti = forms.IntegerField(label="Durata di un appuntamento (minuti)", min_value=1)
    orizzonte_giorni = forms.IntegerField(label="Prenotabile fino a (giorni da oggi)", min_value=1)
    attivo = forms.BooleanField(label="Prenotabile dai cittadini", required=False)


class RegolaOrarioForm(StyledFormMixin, forms.Form):
    giorno = forms.TypedChoiceField(label="Giorno", choices=RegolaOrario.Giorno.choices, coerce=int)
    ora_inizio = forms.TimeField(label="Dalle", widget=TimeInput)
    ora_fine = forms.TimeField(label="Alle", widget=TimeInput)
    posti = forms.IntegerField(label="Operatori in parallelo", min_value=1, initial=1)
    valida_dal = forms.DateField(label="Valido dal", required=False, widget=forms.DateInput)
    valida_al = forms.DateField(label="Valido fino al", required=False, widget=forms.DateInput)

    def clean(self) -> dict:
        data = super().clean()
        validate_period(
            data.get("valida_dal"),
            data.get("valida_al"),
            end_field="valida_al",
            message="La fine della validità non può precedere l'inizio.",
        )
        return data


class ChiusuraForm(StyledFormMixin, forms.Form):
    dal = forms.DateField(label="Dal", widget=forms.DateInput)
    al = forms.DateField(label="Al (compreso)", widget=forms.DateInput)
    motivo = forms.CharField(
        label="Motivo",
        max_length=200,
        error_messages={"required": "Indicare il motivo della chiusura (lo vedono gli operatori)."},
    )

    def clean(self) -> dict:
        data = super().clean()
        validate_period(
            data.get("dal"),
            data.get("al"),
            end_field="al",
            message="La data di fine della chiusura non può precedere quella di inizio.",
        )
        return data


class AperturaStraordinariaForm(StyledFormMixin, forms.Form):
    data = forms.DateField(label="Data", widget=forms.DateInput)
    ora_inizio = forms.TimeField(label="Dalle", widget=TimeInput)
    ora_fine = forms.TimeField(label="Alle", widget=TimeInput)
    posti = forms.IntegerField(label="Operatori in parallelo", min_value=1, initial=1)


MESI = [
    (1, "Gennaio"),
    (2, "Febbraio"),
    (3, "Marzo"),
    (4, "Aprile"),
    (5, "Maggio"),
    (6, "Giugno"),
    (7, "Luglio"),
    (8, "Agosto"),
    (9, "Settembre"),
    (10, "Ottobre"),
    (11, "Novembre"),
    (12, "Dicembre"),
]


class FestaPatronaleForm(StyledFormMixin, forms.Form):
    santo = forms.CharField(
        label="Santo patrono",
        max_length=100,
        required=False,
        help_text="Lasciare vuoto per non chiudere in quel giorno.",
    )
    giorno = forms.IntegerField(label="Giorno", min_value=1, max_value=31, required=False)
    mese = forms.TypedChoiceField(
        label="Mese", choices=[("", "—"), *MESI], coerce=int, empty_value=None, required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("santo") and (data.get("giorno") is None or data.get("mese") is None):
            raise forms.ValidationError("Indicare giorno e mese della festa patronale.")
        return data
