"""Forms of the comune's person register: a person, their registry data, ISEE, relations, contacts, merges."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella.anagrafica import ANAGRAFICA_FIELDS
from cse.cartella.models import Assistito, Sesso
from cse.cartella.rete import ContattoEsterno, Isee, Relazione
from cse.core.codelists.privacy import RIFERIMENTO_FINALITA, CanalePrivacy, FinalitaConsenso, VersioneInformativa
from cse.core.forms_util import ConfirmationMixin, StyledFormMixin, VersionedFormMixin
from cse.core.models import Comune, Ente
from cse.core.services import comune_by_istat
from cse.core.validators import validate_codice_fiscale
from cse.core.validators_dates import validate_birth_date


def comune_named(text: str) -> Comune | None:
    """A comune typed by name («Molfetta» or «Molfetta (BA)») instead of picked from the suggestions: taken only when
    exactly one current comune has that name."""
    match = re.fullmatch(r"(.+?)\s*(?:\((\w{2})\))?", text.strip())
    if match is None:
        return None
    qs = Comune.objects.filter(nome__iexact=match.group(1), soppresso=False)
    if match.group(2):
        qs = qs.filter(sigla_provincia=match.group(2).upper())
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def comune_from_istat_field(value: str) -> Comune | None:
    """An optional comune given as its ISTAT code, picked from the suggestions or typed by name (a select of 7,904
    comuni would be unusable at the desk)."""
    code = value.strip()
    if not code:
        return None
    if not re.fullmatch(r"\d{6}", code):
        comune = comune_named(code)
        if comune is None:
            raise ValidationError("Scegliere il comune dall'elenco: il codice ISTAT del comune è composto da 6 cifre.")
        return comune
    return comune_by_istat(code)


def place_suggestions(field: forms.Field, datalist: str) -> None:
    """A place field suggests comuni (and, for a birthplace, foreign states) as the operator types: htmx fills the
    field's <datalist> from locale:luoghi_suggeriti; without scripts the code can still be typed."""
    field.widget.attrs.update(
        {
            "list": datalist,
            "autocomplete": "off",
            "hx-get": reverse("locale:luoghi_suggeriti"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{datalist}",
            "hx-swap": "innerHTML",
        }
    )


class AssistitoForm(StyledFormMixin, forms.Form):
    ente = forms.ModelChoiceField(label="Comune che registra", queryset=Ente.objects.none(), empty_label=None)
    codice_fiscale = forms.CharField(
        label="Codice fiscale",
        max_length=20,
        required=False,
        validators=[validate_codice_fiscale],
        help_text="data e luogo di nascita e sesso sono ricavati dal codice fiscale mentre si scrive: si possono "
        "correggere",
    )
    identificativo_temporaneo = forms.CharField(
        label="Identificativo temporaneo", max_length=20, required=False, help_text="solo per chi non ha codice fiscale"
    )
    cognome = forms.CharField(label="Cognome", max_length=100)
    nome = forms.CharField(label="Nome", max_length=100)
    sesso = forms.ChoiceField(label="Sesso", choices=Sesso.choices, widget=forms.RadioSelect)  # nothing preselected
    data_nascita = forms.DateField(
        label="Data di nascita",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Data non valida."},
    )
    luogo_nascita = forms.CharField(
        label="Luogo di nascita (comune o stato estero)",
        max_length=60,
        help_text="scrivere il nome e scegliere dall'elenco: resta il codice catastale (es. F284 per Molfetta, "
        "Z… per uno stato estero)",
    )
    comune_residenza = forms.CharField(
        label="Comune di residenza",
        max_length=60,
        required=False,
        help_text="scrivere il nome e scegliere dall'elenco: resta il codice ISTAT (es. 072029 per Molfetta)",
    )
    indirizzo_residenza = forms.CharField(label="Indirizzo di residenza", max_length=200, required=False)
    confirm_not_duplicate = forms.BooleanField(
        label="Confermo che non è la stessa persona già registrata con nome e data di nascita uguali", required=False
    )

    def __init__(self, *args, enti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ente"].queryset = enti
        self.fields["codice_fiscale"].widget.attrs.update(
            {"data-cf-url": reverse("locale:dal_codice_fiscale"), "autocomplete": "off"}
        )
        place_suggestions(self.fields["luogo_nascita"], "luoghi-nascita")
        place_suggestions(self.fields["comune_residenza"], "comuni-residenza")

    def clean_data_nascita(self) -> date:
        validate_birth_date(self.cleaned_data["data_nascita"])
        return self.cleaned_data["data_nascita"]

    def clean_luogo_nascita(self) -> str:
        code = self.cleaned_data["luogo_nascita"].strip().upper()
        if not re.fullmatch(r"[A-Z]\d{3}", code):
            comune = comune_named(code)
            if comune is None:
                raise ValidationError(
                    "Scegliere il luogo dall'elenco: il codice catastale è una lettera seguita da 3 cifre (es. F284)."
                )
            return comune.codice_catastale
        if not code.startswith("Z") and not Comune.objects.filter(codice_catastale=code).exists():
            raise ValidationError(f"Nessun comune con codice catastale «{code}».")
        return code

    def clean_comune_residenza(self) -> Comune | None:
        return comune_from_istat_field(self.cleaned_data["comune_residenza"])


class _ComuneIstatMixin:
    def clean_comune_residenza_istat(self) -> Comune | None:
        return comune_from_istat_field(self.cleaned_data["comune_residenza_istat"])


class AnagraficaForm(_ComuneIstatMixin, VersionedFormMixin, forms.ModelForm):
    comune_residenza_istat = forms.CharField(
        label="Comune di residenza",
        max_length=60,
        required=False,
        help_text="scrivere il nome e scegliere dall'elenco: resta il codice ISTAT (es. 072029 per Molfetta)",
    )

    class Meta:
        model = Assistito
        fields = [f for f in ANAGRAFICA_FIELDS if f != "comune_residenza"]  # the comune comes by ISTAT code

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.comune_residenza_id:
            self.fields["comune_residenza_istat"].initial = self.instance.comune_residenza.codice_istat
        place_suggestions(self.fields["comune_residenza_istat"], "comuni-residenza")

    def clean_cittadinanza(self) -> str:
        code = self.cleaned_data["cittadinanza"].strip()
        if not re.fullmatch(r"\d{3}", code):
            raise ValidationError("La cittadinanza si indica con il codice ISTAT dello stato, 3 cifre (100 = Italia).")
        return code

    def _post_clean(self):  # validation of the model happens in the service, on the locked row
        pass


class IseeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Isee
        fields = ["tipo", "valore", "protocollo_dsu", "data_presentazione", "valida_dal", "valida_al"]


class RelazioneForm(StyledFormMixin, forms.ModelForm):
    persona_cf = forms.CharField(
        label="Codice fiscale, se la persona è già registrata nel comune", max_length=16, required=False
    )

    class Meta:
        model = Relazione
        fields = ["tipo", "persona_cf", "nominativo", "convivente", "recapito", "note"]

    def __init__(self, *args, assistito, **kwargs):
        super().__init__(*args, **kwargs)
        self.assistito = assistito

    def clean_persona_cf(self) -> Assistito | None:
        cf = "".join(self.cleaned_data["persona_cf"].split()).upper()
        if not cf:
            return None
        validate_codice_fiscale(cf)
        persona = Assistito.objects.filter(
            owner_ente_id=self.assistito.owner_ente_id, codice_fiscale=cf, unito_a__isnull=True
        ).first()
        if persona is None:
            raise ValidationError("Nessuna persona registrata nel comune con questo codice fiscale.")
        return persona

    def _post_clean(self):
        pass


class ContattoForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ContattoEsterno
        fields = ["tipo", "nome", "referente", "recapito"]


class UnioneForm(ConfirmationMixin, StyledFormMixin, forms.Form):
    duplicato = forms.ModelChoiceField(label="Scheda duplicata da unire a questa", queryset=Assistito.objects.none())
    reason = forms.CharField(label="Motivo dell'unione", max_length=100)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicato"].queryset = candidates

    def confirmation(self, data: dict) -> str:
        return (
            f"La scheda «{data['duplicato']}» sarà unita a questa: le sue cartelle, i dati ISEE, le relazioni e i "
            "contatti passeranno a questa persona; la scheda duplicata resterà solo nello storico, collegata a questa. "
            "L'unione si può annullare dalla scheda principale, finché le due schede non cambiano in modo "
            "incompatibile."
        )


class InformativaForm(StyledFormMixin, forms.Form):
    """The informativa given at the desk (GDPR art. 13); the action checks the codes and the date."""

    versione = forms.ChoiceField(label="Versione dell'informativa", choices=VersioneInformativa.choices)
    data = forms.DateField(label="Data di consegna", widget=forms.DateInput(attrs={"type": "date"}))
    canale = forms.ChoiceField(label="Come è stata consegnata", choices=CanalePrivacy.choices)


class ConsensoForm(StyledFormMixin, forms.Form):
    finalita = forms.ChoiceField(
        label="Finalità",
        choices=[(v, f"{label} ({RIFERIMENTO_FINALITA[v]})") for v, label in FinalitaConsenso.choices],
    )
    canale = forms.ChoiceField(label="Come è stato espresso", choices=CanalePrivacy.choices)


class RevocaConsensoForm(StyledFormMixin, forms.Form):
    finalita = forms.ChoiceField(label="Finalità", choices=FinalitaConsenso.choices)
