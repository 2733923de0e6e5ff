"""The forms of the bandi pages: they parse and say what is missing; the rules are checked by the actions."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from cse.cartella.fasi import VoceNomenclatore
from cse.core.forms_util import StyledFormMixin
from cse.core.models import Ente

from .fatti import FATTI
from .glossary import StatoDomanda
from .modelli import MODELLI, schema_from_model

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.00")}
DATETIME = {"input_formats": ["%Y-%m-%dT%H:%M"]}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _coded_lines(text: str, field: str) -> list[dict]:
    """«codice: testo» one per line; a trailing «*» marks a mandatory document."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        codice, sep, testo = line.partition(":")
        if not sep or not codice.strip() or not testo.strip():
            raise ValidationError(f"Riga {n}: scrivere «codice: testo».")
        testo = testo.strip()
        item = {"codice": codice.strip().lower().replace(" ", "_")}
        if field == "documenti":
            item |= {"descrizione": testo.rstrip("*").strip(), "obbligatorio": testo.endswith("*")}
        else:
            item["testo"] = testo
        items.append(item)
    return items


class BandoForm(StyledFormMixin, forms.Form):
    ente = forms.ModelChoiceField(label="Ente che pubblica", queryset=Ente.objects.none())
    codice = forms.CharField(label="Codice", max_length=30, help_text="Stabile tra le versioni, es. CONTR-AFFITTO-2027")
    titolo = forms.CharField(label="Titolo", max_length=200)
    base_giuridica = forms.CharField(label="Base giuridica", widget=forms.Textarea, required=False)
    voce_bilancio = forms.CharField(label="Voce di bilancio", max_length=200, required=False)
    stanziamento = forms.DecimalField(label="Stanziamento (euro)", **MONEY)
    importo_massimo = forms.DecimalField(label="Importo massimo per beneficiario (euro)", **MONEY)
    assegnazione_parziale = forms.BooleanField(label="Ammessa l'assegnazione parziale all'ultimo", required=False)
    apertura = forms.DateTimeField(label="Apertura (ora italiana)", widget=DateTimeInput(), **DATETIME)
    chiusura = forms.DateTimeField(label="Chiusura (ora italiana)", widget=DateTimeInput(), **DATETIME)
    requisiti = forms.CharField(label="Chi può presentare domanda", widget=forms.Textarea, required=False)
    codice_prestazione = forms.ModelChoiceField(
        label="Prestazione (nomenclatore SIUSS)", queryset=VoceNomenclatore.objects.order_by("codice")
    )
    dichiarazioni = forms.CharField(
        label="Dichiarazioni sostitutive (DPR 445/2000)",
        widget=forms.Textarea,
        required=False,
        help_text="Una per riga: «codice: testo», es. «no_altri_contributi: Non ricevo altri contributi».",
    )
    documenti = forms.CharField(
        label="Documenti richiesti",
        widget=forms.Textarea,
        required=False,
        help_text="Uno per riga: «codice: descrizione»; un asterisco finale lo rende obbligatorio.",
    )
    modello = forms.ChoiceField(
        label="Criteri: modello", choices=[(k, v[0]) for k, v in MODELLI.items()], required=False
    )
    soglia_isee = forms.DecimalField(label="Soglia ISEE del modello (euro)", required=False, **MONEY)
    comuni_istat = forms.CharField(
        label="Comuni di residenza ammessi (codici ISTAT, separati da virgola)", required=False
    )
    schema_avanzato = forms.CharField(
        label="Criteri avanzati (JSON)",
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
        required=False,
        help_text="Se compilato sostituisce il modello. Dati utilizzabili: "
        + ", ".join(FATTI)
        + ", dichiarazione.<codice>.",
    )

    def __init__(self, *args, enti=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ente"].queryset = enti if enti is not None else Ente.objects.none()

    def clean_dichiarazioni(self):
        return _coded_lines(self.cleaned_data["dichiarazioni"], "dichiarazioni")

    def clean_documenti(self):
        return _coded_lines(self.cleaned_data["documenti"], "documenti")

    def clean_schema_avanzato(self):
        raw = self.cleaned_data["schema_avanzato"].strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"Il JSON non è valido (riga {exc.lineno}, colonna {exc.colno}).") from exc

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("schema_avanzato") is None:
            if not data.get("modello") or data.get("soglia_isee") is None or not data.get("comuni_istat"):
                raise ValidationError(
                    "Scegliere un modello con soglia ISEE e comuni, oppure scrivere i criteri in JSON."
                )
            comuni = [c.strip() for c in data["comuni_istat"].split(",") if c.strip()]
            data["schema"] = schema_from_model(data["modello"], data["soglia_isee"], comuni)
        else:
            data["schema"] = data["schema_avanzato"]
        return data

    def bando_fields(self) -> dict:
        data = self.cleaned_data
        names = [
            "codice",
            "titolo",
            "base_giuridica",
            "voce_bilancio",
            "stanziamento",
            "importo_massimo",
            "assegnazione_parziale",
            "apertura",
            "chiusura",
            "requisiti",
            "codice_prestazione",
            "dichiarazioni",
            "schema",
        ]
        return {name: data[name] for name in names} | {"documenti_richiesti": data["documenti"]}


class RettificaForm(StyledFormMixin, forms.Form):
    motivo = forms.CharField(label="Motivo della rettifica", widget=forms.Textarea)
    chiusura = forms.DateTimeField(
        label="Nuova chiusura (ora italiana)", widget=DateTimeInput(), required=False, **DATETIME
    )
    stanziamento = forms.DecimalField(label="Nuovo stanziamento (euro)", required=False, **MONEY)

    def changes(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("chiusura", "stanziamento") if self.cleaned_data.get(k) is not None}


class StatoFilter(forms.Form):
    stato = forms.ChoiceField(choices=[("", "Tutti")], required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stato"].choices = [("", "Tutti"), *choices]


DOMANDA_STATI = [c for c in StatoDomanda.choices if c[0] != StatoDomanda.BOZZA]


class DomandaCittadinoForm(StyledFormMixin, forms.Form):
    """The citizen's draft: the declared ISEE (checked against INPS) and the ticked self-declarations."""

    isee_dichiarato = forms.DecimalField(
        label="Valore ISEE dichiarato (euro)",
        required=False,
        help_text="Facoltativo: il valore viene verificato presso l'INPS.",
        **MONEY,
    )
    dichiarazioni = forms.MultipleChoiceField(
        label="Dichiarazioni sostitutive (art. 46 e 47 DPR 445/2000)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consenso_app_io = forms.BooleanField(
        label="Voglio ricevere l'esito e le comunicazioni su questa domanda nell'app IO",
        required=False,
        help_text="Senza questo consenso l'esito arriva per e-mail (se indicata) o per lettera.",
    )
    email = forms.EmailField(label="E-mail per le comunicazioni (facoltativa)", required=False)

    def __init__(self, *args, bando, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dichiarazioni"].choices = [(d["codice"], d["testo"]) for d in bando.dichiarazioni or []]

    def contatti(self) -> dict:
        return {"consenso_app_io": self.cleaned_data["consenso_app_io"], "email": self.cleaned_data["email"]}


class RiesameForm(StyledFormMixin, forms.Form):
    motivo = forms.CharField(
        label="Motivi della richiesta di riesame",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Indicare che cosa non è stato considerato o è stato valutato in modo non corretto.",
    )


class AllegatoForm(StyledFormMixin, forms.Form):
    codice = forms.ChoiceField(label="Documento")
    file = forms.FileField(label="File (PDF o immagine)")

    def __init__(self, *args, bando, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codice"].choices = [
            (d["codice"], d.get("descrizione") or d["codice"]) for d in bando.documenti_richiesti or []
        ]
