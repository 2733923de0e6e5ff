from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from cse.cartella.models import Sesso
from cse.core.models import Comune, Ente
from cse.core.services import comune_by_istat


class AssistitoForm(forms.Form):
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
