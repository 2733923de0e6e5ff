"""Forms of the case web layer shared by comune and ambito (input parsing only; the rules live in the services)."""

from __future__ import annotations

from django import forms

from cse.core.codelists.privacy import BASI, TipoDestinatario
from cse.core.forms_util import StyledFormMixin, VersionedFormMixin

from .fasi import (
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
from .records import MANUAL_DIARY_TYPES


class MotivoForm(StyledFormMixin, forms.Form):
    """The reason of a case transfer step: the comune's request, the ambito's hand-back."""

    motivo = forms.CharField(label="Motivazione", widget=forms.Textarea(attrs={"rows": 3}))


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
        fields = ["voce", "responsabile", "entro_il", "ore_previste", "importo_previsto", "fonte", "modulo_leps"]

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
            "modulo_leps",
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
        fields = ["tipo", "data_evento", "testo", "riservata", "categoria"]

    def __init__(self, *args, protette: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not protette:  # the protected categories are not even offered to who may not use them
            self.fields["categoria"].choices = [("", "---------")]
        self.fields["tipo"].choices = [
            (v, label) for v, label in self.fields["tipo"].choices if v in MANUAL_DIARY_TYPES
        ]


class OscuramentoForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Riferimento alla richiesta della persona", max_length=100)


class DocumentoForm(StyledFormMixin, forms.ModelForm):
    file = forms.FileField(label="File (PDF, PNG o JPEG, documento di Office o LibreOffice, testo; al massimo 10 MB)")

    class Meta:
        model = Documento
        fields = ["tipo"]


class CaseManagerForm(VersionedFormMixin, forms.Form):
    case_manager = forms.ModelChoiceField(label="Case manager", queryset=None, empty_label=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = candidates


def _basi_choices() -> list[tuple[str, str]]:
    return [("", "— scegliere la base giuridica —")] + [(b.codice, b.etichetta) for b in BASI.values()]


class CondivisioneForm(StyledFormMixin, forms.Form):
    """Share the case with a named person outside the owner's office; the action refuses a share no basis covers."""

    utente = forms.CharField(label="Nome utente del destinatario", max_length=150)
    destinatario = forms.ChoiceField(label="Chi è il destinatario", choices=TipoDestinatario.choices)
    base_giuridica = forms.ChoiceField(label="Base giuridica (GDPR art. 6 e 9)", choices=_basi_choices, required=False)
    scade_il = forms.DateField(
        label="Accesso fino al", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="facoltativo"
    )
class DecisioneApprovazioneForm(StyledFormMixin, forms.Form):
    """The approver's decision: approving needs nothing more, rejecting needs a reason (checked by the action)."""

    motivo = forms.CharField(
        label="Motivazione (obbligatoria per respingere)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegolaApprovazioneForm(StyledFormMixin, forms.Form):
    """One action's rule on the ente's approvals page (one form per action, prefixed with its code)."""

    attiva = forms.BooleanField(label="Serve l'approvazione", required=False)
    ruolo_approvatore = forms.ChoiceField(label="Chi approva")
    soglia = forms.DecimalField(
        label="Sopra la spesa prevista di (€)", required=False, min_value=0, max_digits=10, decimal_places=2
    )

    def __init__(self, *args, roles, with_threshold: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruolo_approvatore"].choices = roles
        if not with_threshold:
            del self.fields["soglia"]
class ScadenzaForm(StyledFormMixin, forms.Form):
    """An operator's deadline on a case (the rules — no past date unless already overdue, who may answer for it —
    are in cse/cartella/actions/scadenze.py)."""

    tipo = forms.ChoiceField(label="Tipo", choices=())
    scadenza = forms.DateField(label="Entro il", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    gia_scaduta = forms.BooleanField(
        label="Già scaduta", required=False, help_text="per registrare una scadenza la cui data è già passata"
    )
    responsabile = forms.ModelChoiceField(
        label="Responsabile", queryset=None, required=False, empty_label="il case manager della cartella"
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args, candidates, tipi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = tipi
        self.fields["responsabile"].queryset = candidates
