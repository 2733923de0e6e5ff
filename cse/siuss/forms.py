from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin

from .models import DatiSiuss


class DatiSiussForm(StyledFormMixin, forms.ModelForm):
    ente_erogatore = forms.ModelChoiceField(queryset=None, label="Ente erogatore (potestà concessoria)")
    motivo_erogatore = forms.CharField(
        label="Motivo del cambio di ente erogatore", required=False, max_length=200, help_text="obbligatorio se cambia"
    )

    class Meta:
        model = DatiSiuss
        fields = [
            "protocollo_domanda",
            "presenza_prova_mezzi",
            "importo_mensile",
            "quota_ente",
            "quota_utente",
            "quota_ssn",
            "ore_servizio_mensile",
        ]

    def __init__(self, *args, enti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ente_erogatore"].queryset = enti
        self.fields["ente_erogatore"].widget.attrs["class"] = "form-select"
