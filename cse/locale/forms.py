from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from cse.cartella.models import Sesso
from cse.core.forms_util import StyledFormMixin
from cse.core.models import Comune, Ente
from cse.core.services import comune_by_istat


class AssistitoForm(StyledFormMixin, forms.Form):
    ente = forms.ModelChoiceField(label="Comune che registra", queryset=Ente.objects.none(), empty_label=None)
    cognome = forms.CharField(label="Cognome", max_length=100)
    nome = forms.CharField(label="Nome", max_length=100)
    sesso = forms.ChoiceField(label="Sesso", choices=Sesso.choices)
    data_nascita = forms.DateField(
        label="Data di nascita",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Data non valida."},
    )
    luogo_nascita = forms.CharField(
        label="Luogo di nascita (codice catastale)",
        max_length=4,
        help_text="es. F284 per Molfetta, Z… per uno stato estero",
    )
    codice_fiscale = forms.CharField(label="Codice fiscale", max_length=20, required=False)
    identificativo_temporaneo = forms.CharField(
        label="Identificativo temporaneo", max_length=20, required=False, help_text="solo per chi non ha codice fiscale"
    )
    comune_residenza = forms.CharField(label="Comune di residenza (codice ISTAT)", max_length=6, required=False)

    def __init__(self, *args, enti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ente"].queryset = enti

    def clean_luogo_nascita(self) -> str:
        code = self.cleaned_data["luogo_nascita"].strip().upper()
        if not re.fullmatch(r"[A-Z]\d{3}", code):
            raise ValidationError("Il codice catastale è una lettera seguita da 3 cifre (es. F284).")
        if not code.startswith("Z") and not Comune.objects.filter(codice_catastale=code).exists():
            raise ValidationError(f"Nessun comune con codice catastale «{code}».")
        return code

    def clean_comune_residenza(self) -> Comune | None:
        code = self.cleaned_data["comune_residenza"].strip()
        if not code:
            return None
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Il codice ISTAT del comune è composto da 6 cifre.")
        return comune_by_istat(code)


# --- the case workspace -------------------------------------------------------------------------------------------

from cse.cartella.fasi import (  # noqa: E402
    Chiusura,
    Documento,
    InterventoPianificato,
    Prestazione,
    Progetto,
    SchedaAccesso,
    Valutazione,
    VoceDiario,
    VoceNomenclatore,
)
from cse.cartella.records import MANUAL_DIARY_TYPES  # noqa: E402
from cse.core.forms_util import VersionedFormMixin  # noqa: E402


class SchedaAccessoForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SchedaAccesso
        fields = ["data_accesso", "canale", "inviante", "interlocutore", "richiesta", "area", "orientamento", "esito"]


class ValutazioneForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Valutazione
        fields = [
            "data_valutazione",
            "economica",
            "economica_note",
            "abitativa",
            "abitativa_note",
            "salute",
            "salute_note",
            "familiare",
            "familiare_note",
            "lavoro",
            "lavoro_note",
            "gravita",
            "urgenza",
            "giudizio",
        ]


class ProgettoForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Progetto
        fields = ["obiettivi", "azioni", "impegni_persona", "data_revisione", "sottoscritto_il"]


class ChiusuraForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Chiusura
        fields = ["esito_obiettivi", "motivo", "valutazione_finale", "follow_up"]


def _current_voci():
    return VoceNomenclatore.objects.filter(valido_al__isnull=True)


class InterventoForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = InterventoPianificato
        fields = ["voce", "responsabile", "entro_il", "ore_previste", "importo_previsto", "fonte"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voce"].queryset = _current_voci()


class PrestazioneForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Prestazione
        fields = [
            "voce",
            "intervento",
            "carattere",
            "data_inizio",
            "data_fine",
            "quantita",
            "unita",
            "importo",
            "fonte",
            "erogatore",
        ]

    def __init__(self, *args, cartella, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voce"].queryset = _current_voci()
        self.fields["intervento"].queryset = InterventoPianificato.objects.filter(cartella=cartella)
        self.fields["intervento"].required = False


class PrestazioneFineForm(VersionedFormMixin, forms.Form):
    data_fine = forms.DateField(
        label="Data di fine", widget=forms.DateInput, error_messages={"invalid": "Data non valida."}
    )


class VoceDiarioForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = VoceDiario
        fields = ["tipo", "data_evento", "testo", "riservata"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [
            (v, label) for v, label in self.fields["tipo"].choices if v in MANUAL_DIARY_TYPES
        ]


class OscuramentoForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Riferimento alla richiesta della persona", max_length=100)


class DocumentoForm(StyledFormMixin, forms.ModelForm):
    file = forms.FileField(label="File (PDF, PNG o JPEG, al massimo 10 MB)")

    class Meta:
        model = Documento
        fields = ["tipo"]
