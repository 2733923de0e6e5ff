from django import forms

from cse.core.forms_util import StyledFormMixin, VersionedFormMixin

from .models import IndicatoreLeps


class FinaliseForm(VersionedFormMixin, forms.Form):
    motivo_vuota = forms.CharField(
        label="Motivo (solo se la scheda è vuota)", required=False, widget=forms.Textarea, max_length=2000
    )


class ReopenForm(VersionedFormMixin, forms.Form):
    motivo = forms.CharField(label="Motivo della riapertura", widget=forms.Textarea, max_length=2000)


class ManualValueForm(VersionedFormMixin, forms.Form):
    indicatore = forms.ModelChoiceField(queryset=IndicatoreLeps.objects.none(), label="Indicatore")
    chiave = forms.CharField(label="Profilo professionale", max_length=60)
    valore = forms.DecimalField(label="Valore", min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, indicatori, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicatore"].queryset = indicatori


class PrefillImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="File RPM (CSV o XLSX)", help_text="Colonne: anno, ambito, sezione (3, 4 o 6), voce, valore."
    )


class DeriveForm(StyledFormMixin, forms.Form):
    anno = forms.IntegerField(label="Anno", min_value=2000, max_value=2100)
