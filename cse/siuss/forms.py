from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin

from .glossary import ps_choices, sinba_choices
from .models import DatiSiuss, SchedaSinba, ValutazioneSina


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


class SinbaForm(StyledFormMixin, forms.ModelForm):
    composizione_famiglia = forms.TypedMultipleChoiceField(
        label="Con chi vive il minore (composizione della famiglia)",
        choices=sinba_choices("ComposizioneFamigliaType"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SchedaSinba
        fields = [
            "minore_straniero_non_accompagnato",
            "condizione_minore",
            "luogo_vita",
            "scuola_frequentata",
            "condizione_lavoro",
            "disabilita",
            "data_prima_segnalazione",
            "fonte_segnalazione",
            "valutazione_minore",
            "valutazione_famiglia",
            "segnalazione_autorita_giudiziaria",
            "data_segnalazione",
            "provvedimento_giudiziario",
            "data_provvedimento",
            "composizione_famiglia",
            "numero_componenti_isee",
        ]
        widgets = {
            "data_prima_segnalazione": forms.DateInput,
            "data_segnalazione": forms.DateInput,
            "data_provvedimento": forms.DateInput,
        }


class SinaForm(StyledFormMixin, forms.ModelForm):
    invalidita_civile = forms.TypedMultipleChoiceField(
        label="Certificazioni di invalidità civile",
        choices=ps_choices("InvCivType"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    necessita_interventi = forms.CharField(
        label="Interventi sociali necessari (codici del nomenclatore, separati da virgola)", required=False
    )

    class Meta:
        model = ValutazioneSina
        fields = [
            "mobilita",
            "attivita_vita_quotidiana",
            "disturbi_area_cognitiva",
            "disturbi_comportamentali",
            "necessita_cure_sanitarie",
            "area_reddituale",
            "area_supporto",
            "fonte_valutazione",
            "strumento_valutazione",
            "fonte_invalidita",
            "invalidita_civile",
            "necessita_interventi",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["necessita_interventi"] = ", ".join(self.instance.necessita_interventi)

    def clean_necessita_interventi(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["necessita_interventi"].split(",") if c.strip()]
        wrong = [c for c in codes if not 5 <= len(c) <= 10]
        if wrong:
            raise forms.ValidationError(f"Codici non validi (da 5 a 10 caratteri): {', '.join(wrong)}")
        return codes
