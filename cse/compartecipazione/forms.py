"""The operators' forms: a tariff (or its next version) with up to six ISEE bands, the month of a run, the reason of
an annulment. Amounts are Decimal fields (never float); the rules on the bands are the action's (calcolo.py)."""

from __future__ import annotations

from datetime import date

from django import forms

from cse.cartella.fasi import VoceNomenclatore
from cse.core.codelists.isee import TipoIsee
from cse.core.forms_util import StyledFormMixin

from . import calcolo
from .glossary import RegolaSenzaIsee, TipoFascia, UnitaTariffa

BANDE = 6
MONEY = {"max_digits": 12, "decimal_places": 2}


class TariffaForm(StyledFormMixin, forms.Form):
    voce = forms.ModelChoiceField(
        label="Servizio (voce del nomenclatore)",
        queryset=VoceNomenclatore.objects.filter(valido_al__isnull=True, livello__gte=1).order_by("codice"),
    )
    denominazione = forms.CharField(label="Denominazione", max_length=200)
    unita = forms.ChoiceField(label="Unità", choices=UnitaTariffa.choices)
    tariffa_piena = forms.DecimalField(label="Tariffa piena per unità (€)", min_value=0, **MONEY)
    tipo_isee = forms.ChoiceField(label="Tipo di ISEE", choices=TipoIsee.choices, initial=TipoIsee.ORDINARIO)
    senza_isee = forms.ChoiceField(label="Senza ISEE valido", choices=RegolaSenzaIsee.choices)
    giorni_pagamento = forms.IntegerField(label="Giorni per pagare dall'emissione", min_value=1, initial=30)
    valida_dal = forms.DateField(label="Valida dal")
    atto = forms.CharField(label="Atto che la approva", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, BANDE + 1):
            self.fields[f"f{n}_da"] = forms.DecimalField(label=f"Fascia {n}: ISEE da (€)", required=False, **MONEY)
            self.fields[f"f{n}_a"] = forms.DecimalField(label=f"Fascia {n}: ISEE fino a (€)", required=False, **MONEY)
            self.fields[f"f{n}_tipo"] = forms.ChoiceField(
                label=f"Fascia {n}: tipo", required=False, choices=[("", "—"), *TipoFascia.choices]
            )
            self.fields[f"f{n}_valore"] = forms.DecimalField(
                label=f"Fascia {n}: percentuale o importo", required=False, **MONEY
            )
            for suffix in ("da", "a", "tipo", "valore"):
                widget = self.fields[f"f{n}_{suffix}"].widget
                base = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{base} form-control-sm"

    def fasce(self) -> list[dict]:
        """The bands typed, in order; a row with no type is empty."""
        data = self.cleaned_data
        return [
            {
                "isee_da": data.get(f"f{n}_da"),
                "isee_a": data.get(f"f{n}_a"),
                "tipo": data.get(f"f{n}_tipo"),
                "valore": data.get(f"f{n}_valore"),
            }
            for n in range(1, BANDE + 1)
            if data.get(f"f{n}_tipo")
        ]

    def tariffa_fields(self) -> dict:
        keys = ("denominazione", "unita", "tariffa_piena", "tipo_isee", "senza_isee", "giorni_pagamento", "valida_dal")
        return {k: self.cleaned_data[k] for k in (*keys, "atto")}


class MeseForm(StyledFormMixin, forms.Form):
    mese = forms.CharField(label="Mese (AAAA-MM)", max_length=7)

    def clean_mese(self) -> date:
        return calcolo.mese_da_testo(self.cleaned_data["mese"])


class AnnullaForm(StyledFormMixin, forms.Form):
    motivo = forms.CharField(label="Motivo (atto che dispone l'annullamento)", widget=forms.Textarea(attrs={"rows": 2}))


class RiconciliaForm(StyledFormMixin, forms.Form):
    dal = forms.DateField(label="Ricevute dal")


class RimborsoForm(StyledFormMixin, forms.Form):
    """The payment order of a refund; the IBAN is checked by the action (ISO 13616 and the Italian CIN)."""

    iban = forms.CharField(label="IBAN di accredito", max_length=40)
    intestatario = forms.CharField(label="Intestatario del conto", max_length=200)
    mandato_numero = forms.CharField(label="Numero del mandato", max_length=40)
    mandato_data = forms.DateField(label="Data del mandato", widget=forms.DateInput(attrs={"type": "date"}))


class NonDovutoForm(StyledFormMixin, forms.Form):
    nota = forms.CharField(label="Perché non è dovuto (atto)", max_length=500)
