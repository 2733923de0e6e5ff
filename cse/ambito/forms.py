"""Forms of the ambito workspace (input parsing only; the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from cse.core.codelists.fondi import FonteFinanziamento
from cse.core.forms_util import ConfirmationMixin, StyledFormMixin

from .glossary import Priorita, TipoMembro
from .scale import Scala


class DecisioneForm(ConfirmationMixin, StyledFormMixin, forms.Form):
    """The UdP's decision on a request: accept (note optional) or return with a reason."""

    decisione = forms.ChoiceField(
        choices=[("accetta", "Accetta il trasferimento"), ("respingi", "Restituisci al comune")],
        widget=forms.RadioSelect,
    )
    motivo = forms.CharField(
        label="Motivazione (obbligatoria se si restituisce)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def confirmation(self, data: dict) -> str:
        if data.get("decisione") != "respingi" or not (data.get("motivo") or "").strip():
            return ""  # without a reason the service refuses first, and says so
        return (
            "La richiesta sarà restituita al comune con la motivazione indicata e la cartella resterà in titolarità "
            "del comune; per un nuovo esame il comune dovrà presentare una nuova richiesta."
        )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConvocazioneForm(StyledFormMixin, forms.Form):
    data = forms.DateTimeField(label="Data e ora", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    luogo = forms.CharField(required=False, max_length=200)
    link_video = forms.URLField(label="Collegamento video", required=False, assume_scheme="https")
    ordine_del_giorno = forms.CharField(
        label="Ordine del giorno", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MembroForm(StyledFormMixin, forms.Form):
    tipo = forms.ChoiceField(choices=TipoMembro.choices)
    utente = forms.CharField(label="Nome utente (operatori e professionisti ASL)", required=False, max_length=150)
    nome = forms.CharField(label="Nome e cognome (persona, familiari)", required=False, max_length=200)
    qualifica = forms.CharField(required=False, max_length=200)
    accesso_fino_al = forms.DateTimeField(
        label="Accesso fino al (membri esterni)",
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def clean_utente(self):
        username = self.cleaned_data["utente"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Nessun utente attivo con questo nome utente.")
        return user


class VerbaleForm(StyledFormMixin, forms.Form):
    ordine_del_giorno = forms.CharField(
        label="Ordine del giorno", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisioni = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def scala_form(scala: Scala, data=None, initial=None):
    """One radio group per item of the scale (cse/ambito/scale.py); no score field: it is computed."""
    fields = {
        item.codice: forms.ChoiceField(
            label=item.domanda, choices=[(o.valore, o.label) for o in item.opzioni], widget=forms.RadioSelect
        )
        for item in scala.items
    }
    form_class = type("ScalaForm", (StyledFormMixin, forms.Form), fields)
    return form_class(data, initial=initial)


class ProgettoPersonalizzatoForm(StyledFormMixin, forms.Form):
    obiettivi = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    interventi = forms.CharField(label="Interventi e sostegni previsti", widget=forms.Textarea(attrs={"rows": 3}))
    referente = forms.CharField(label="Case manager / referente", max_length=200)
    durata_mesi = forms.IntegerField(label="Durata (mesi)", min_value=1, max_value=60, initial=12)
    data_verifica = forms.DateField(label="Prima verifica", widget=forms.DateInput)


BudgetFormSet = forms.formset_factory(
    type(
        "VoceBudgetForm",
        (StyledFormMixin, forms.Form),
        {
            "fonte": forms.ChoiceField(choices=[("", "—"), *FonteFinanziamento.choices], required=False),
            "descrizione": forms.CharField(required=False, max_length=200),
            "importo": forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2),
        },
    ),
    extra=3,
)


class DomandaForm(StyledFormMixin, forms.Form):
    cartella = forms.ModelChoiceField(queryset=None, label="Cartella")
    priorita = forms.TypedChoiceField(choices=Priorita.choices, coerce=int, initial=Priorita.ORDINARIA)
    motivazione = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cartelle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cartella"].queryset = cartelle


class AssegnazioneForm(StyledFormMixin, forms.Form):
    erogatore = forms.ModelChoiceField(queryset=None)
    dal = forms.DateField(label="Dal", widget=forms.DateInput)
    importo = forms.DecimalField(label="Importo da impegnare (€)", min_value=0, max_digits=12, decimal_places=2)
    ore_previste = forms.DecimalField(label="Ore previste", required=False, min_value=0, max_digits=8, decimal_places=2)

    def __init__(self, *args, erogatori, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["erogatore"].queryset = erogatori


class LineaBudgetForm(StyledFormMixin, forms.Form):
    anno = forms.IntegerField(min_value=2000, max_value=2100)
    fonte = forms.ChoiceField(choices=FonteFinanziamento.choices)
    intervento_pdz = forms.CharField(label="Intervento del piano di zona", max_length=200)
    programmato = forms.DecimalField(label="Importo programmato (€)", min_value=0, max_digits=12, decimal_places=2)


class ImportPdzForm(StyledFormMixin, forms.Form):
    anno = forms.IntegerField(
        label="Anno del piano di zona",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "Indicare un anno valido.", "required": "Indicare l'anno del piano di zona."},
    )


class BandoFinanziatoForm(StyledFormMixin, forms.Form):
    """Which of the ambito's bandi a piano di zona line finances (the querysets come from the view's selectors)."""

    bando = forms.ModelChoiceField(queryset=None, label="Bando dell'ambito", empty_label="Scegliere il bando")
    linea = forms.ModelChoiceField(queryset=None, label="Linea del piano di zona", empty_label="Scegliere la linea")

    def __init__(self, *args, bandi, linee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bando"].queryset = bandi
        self.fields["linea"].queryset = linee
