"""The ambito's own records: UVM sessions, assessments, progetti personalizzati, services, waiting lists and the
piano di zona budget lines. Written only by cse/ambito/services.py; read through cse/ambito/selectors.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cse.cartella.models import Cartella
from cse.core.codelists.fondi import FonteFinanziamento
from cse.core.models import Ente
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability
from cse.core.validators import validate_codice_fiscale_or_partita_iva
from cse.core.validators_dates import validate_period

from .glossary import Priorita, StatoDomanda, StatoSessione, TipoMembro, TipoServizio

POSITIVE = [MinValueValidator(Decimal("0"), message="Il valore non può essere negativo.")]
ZERO = Decimal("0.00")


class SessioneQuerySet(models.QuerySet):
    def visible_to(self, user) -> SessioneQuerySet:
        """Sessions of a case the user sees, and either of an ambito where the user works or with the user as a
        member whose access has not expired. Built on Cartella.visible_to: an expired external member loses both."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        cases = Cartella.objects.visible_to(user).values("pk")
        now = timezone.now()
        member = MembroUVM.objects.filter(user=user).filter(
            Q(accesso_fino_al__isnull=True) | Q(accesso_fino_al__gt=now)
        )
        return self.filter(cartella__in=cases).filter(
            Q(ambito_id__in=ente_ids_for(user, Capability.VIEW_PERSONE)) | Q(pk__in=member.values("sessione_id"))
        )


class SessioneUVM(models.Model):
    """A meeting of the unità di valutazione multidimensionale on one case."""

    ambito = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="sessioni_uvm")
    cartella = models.ForeignKey(Cartella, on_delete=models.PROTECT, related_name="sessioni_uvm")
    data = models.DateTimeField("data e ora")
    luogo = models.CharField(max_length=200, blank=True)
    link_video = models.URLField("collegamento video", blank=True)
    ordine_del_giorno = models.TextField("ordine del giorno", blank=True)
    decisioni = models.TextField(blank=True)
    stato = models.CharField(max_length=20, choices=StatoSessione.choices, default=StatoSessione.CONVOCATA)
    convocata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = SessioneQuerySet.as_manager()

    class Meta:
        verbose_name = "sessione UVM"
        verbose_name_plural = "sessioni UVM"
        ordering = ["-data", "-id"]
        constraints = [
            models.CheckConstraint(
                name="uvm_luogo_o_video",
                condition=~Q(luogo="") | ~Q(link_video=""),
                violation_error_message="Indicare il luogo della riunione o il collegamento video.",
            )
        ]

    def __str__(self) -> str:
        return f"UVM del {timezone.localtime(self.data):%d/%m/%Y %H:%M} — {self.cartella}"

    @property
    def group_name(self) -> str:
        return f"uvm-{self.pk}"


class MembroUVM(models.Model):
    """A member of the session; operators and external professionals are users, the person and family are named."""

    sessione = models.ForeignKey(SessioneUVM, on_delete=models.CASCADE, related_name="membri")
    tipo = models.CharField(max_length=20, choices=TipoMembro.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="membri_uvm"
    )
    nome = models.CharField("nome e cognome", max_length=200)
    qualifica = models.CharField(max_length=200, blank=True, help_text="es. medico geriatra, ASL BA — Distretto 1")
    accesso_fino_al = models.DateTimeField(null=True, blank=True, help_text="solo per i membri esterni")
    presente = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "membro UVM"
        verbose_name_plural = "membri UVM"
        ordering = ["tipo", "nome"]
        constraints = [
            models.UniqueConstraint(
                fields=["sessione", "user"], name="uvm_membro_unico", condition=Q(user__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.nome} ({self.get_tipo_display()})"


class ValutazioneScala(models.Model):
    """One scale filled in during the session: the answers, and the score computed from them (cse/ambito/scale.py)."""

    sessione = models.ForeignKey(SessioneUVM, on_delete=models.PROTECT, related_name="valutazioni")
    scala = models.CharField(max_length=40)
    risposte = models.JSONField(default=dict)
    punteggio = models.PositiveSmallIntegerField(editable=False)
    fascia = models.CharField(max_length=100, editable=False)
    compilata_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    compilata_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "valutazioni con scale"
        ordering = ["scala"]
        constraints = [models.UniqueConstraint(fields=["sessione", "scala"], name="uvm_una_scala_per_sessione")]

    def __str__(self) -> str:
        return f"{self.scala}: {self.punteggio}"

    @property
    def definizione(self):
        from .scale import SCALES

        return SCALES[self.scala]


class ProgettoPersonalizzato(models.Model):
    """The progetto personalizzato agreed in the UVM, with its budget di progetto (lines by funding source)."""

    sessione = models.OneToOneField(SessioneUVM, on_delete=models.PROTECT, related_name="progetto")
    obiettivi = models.TextField()
    interventi = models.TextField("interventi e sostegni previsti")
    referente = models.CharField("case manager / referente del progetto", max_length=200)
    durata_mesi = models.PositiveSmallIntegerField("durata (mesi)", default=12)
    data_verifica = models.DateField("prima verifica")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "progetti personalizzati"

    def __str__(self) -> str:
        return f"Progetto personalizzato — {self.sessione.cartella}"

    @property
    def budget_totale(self) -> Decimal:
        return self.budget.aggregate(t=Coalesce(Sum("importo"), ZERO))["t"]


class VoceBudgetProgetto(models.Model):
    progetto = models.ForeignKey(ProgettoPersonalizzato, on_delete=models.CASCADE, related_name="budget")
    fonte = models.CharField(max_length=20, choices=FonteFinanziamento.choices)
    descrizione = models.CharField(max_length=200)
    importo = models.DecimalField(max_digits=10, decimal_places=2, validators=POSITIVE)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "voci del budget di progetto"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.descrizione}: {self.importo}"


# --- Servizi d'ambito, liste d'attesa -------------------------------------------------------------------------------


class Erogatore(models.Model):
    """A provider (cooperative, ente del terzo settore, ASP) under contract with the ambito."""

    ambito = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="erogatori")
    denominazione = models.CharField(max_length=200)
    codice_fiscale = models.CharField(
        "codice fiscale / partita IVA", max_length=16, blank=True, validators=[validate_codice_fiscale_or_partita_iva]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "erogatori"
        ordering = ["denominazione"]

    def __str__(self) -> str:
        return self.denominazione


class ServizioAmbito(models.Model):
    ambito = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="servizi")
    tipo = models.CharField(max_length=30, choices=TipoServizio.choices)
    nome = models.CharField(max_length=200)
    capacita = models.PositiveIntegerField("posti disponibili")
    voce = models.ForeignKey(
        "cartella.VoceNomenclatore", on_delete=models.PROTECT, verbose_name="intervento (nomenclatore)"
    )
    erogatori = models.ManyToManyField(Erogatore, blank=True, related_name="servizi")
    linea_budget = models.ForeignKey(
        "LineaBudget", on_delete=models.PROTECT, null=True, blank=True, related_name="servizi"
    )
    attivo = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "servizio d'ambito"
        verbose_name_plural = "servizi d'ambito"
        ordering = ["tipo", "nome"]

    def __str__(self) -> str:
        return self.nome

    def posti_occupati(self) -> int:
        return self.assegnazioni.filter(attiva=True).count()


class DomandaServizio(models.Model):
    """A person on the waiting list of a service, with a priority."""

    servizio = models.ForeignKey(ServizioAmbito, on_delete=models.PROTECT, related_name="domande")
    cartella = models.ForeignKey(Cartella, on_delete=models.PROTECT, related_name="domande_servizi")
    priorita = models.PositiveSmallIntegerField(choices=Priorita.choices, default=Priorita.ORDINARIA)
    motivazione = models.TextField(blank=True)
    stato = models.CharField(max_length=20, choices=StatoDomanda.choices, default=StatoDomanda.IN_ATTESA)
    inserita_il = models.DateTimeField(default=timezone.now)
    inserita_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "domande (lista d'attesa)"
        ordering = ["priorita", "inserita_il", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["servizio", "cartella"],
                condition=Q(stato="in_attesa"),
                name="domanda_una_in_attesa_per_servizio",
            )
        ]

    def __str__(self) -> str:
        return f"{self.servizio} — {self.cartella}"


class Assegnazione(models.Model):
    """A person assigned to a service: the intervention it created in the case, its provider and its commitment."""

    servizio = models.ForeignKey(ServizioAmbito, on_delete=models.PROTECT, related_name="assegnazioni")
    cartella = models.ForeignKey(Cartella, on_delete=models.PROTECT, related_name="assegnazioni_servizi")
    domanda = models.OneToOneField(DomandaServizio, on_delete=models.PROTECT, null=True, blank=True)
    erogatore = models.ForeignKey(Erogatore, on_delete=models.PROTECT)
    intervento = models.OneToOneField("cartella.InterventoPianificato", on_delete=models.PROTECT, related_name="+")
    dal = models.DateField()
    al = models.DateField(null=True, blank=True)
    attiva = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "assegnazioni ai servizi"
        ordering = ["-dal", "-id"]

    def __str__(self) -> str:
        return f"{self.servizio} — {self.cartella}"

    def clean(self) -> None:
        validate_period(self.dal, self.al, end_field="al")


# --- Piano di zona: budget lines -------------------------------------------------------------------------------------


class LineaBudget(models.Model):
    """One intervention of the piano di zona with its planned amount from one funding source and year.

    Committed, liquidated and residual are never stored: they are computed from the commitments (Impegno) of the
    interventions planned in the cartelle and from the prestazioni paid against those interventions.
    """

    ambito = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="linee_budget")
    anno = models.PositiveSmallIntegerField()
    fonte = models.CharField("fonte di finanziamento", max_length=20, choices=FonteFinanziamento.choices)
    intervento_pdz = models.CharField("intervento del piano di zona", max_length=200)
    # the Osservatorio's code identifies the line for re-imports, so the name above stays a free label
    codice_pdz = models.CharField(
        "codice dell'Osservatorio",
        max_length=40,
        blank=True,
        default="",
        help_text="codice dell'intervento nell'Osservatorio piani di zona; vuoto per le linee inserite a mano",
    )
    programmato = models.DecimalField("importo programmato (€)", max_digits=12, decimal_places=2, validators=POSITIVE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "linea di budget del piano di zona"
        verbose_name_plural = "linee di budget del piano di zona"
        ordering = ["-anno", "fonte", "intervento_pdz"]
        constraints = [
            models.UniqueConstraint(
                fields=["ambito", "anno", "codice_pdz"],
                condition=~models.Q(codice_pdz=""),
                name="linea_budget_codice_pdz_unico",
                violation_error_message="L'ambito ha già una linea di budget con questo codice dell'Osservatorio "
                "per lo stesso anno.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervento_pdz} — {self.get_fonte_display()} {self.anno}"

    def impegnato(self) -> Decimal:
        cartelle = self.impegni.aggregate(t=Coalesce(Sum("importo"), ZERO))["t"]
        return cartelle + sum((f.impegnato for f in self.figure_bandi()), start=ZERO)

    def liquidato(self) -> Decimal:
        from cse.cartella.fasi import Prestazione

        interventi = self.impegni.values("intervento_id")
        cartelle = Prestazione.objects.filter(intervento_id__in=interventi).aggregate(t=Coalesce(Sum("importo"), ZERO))
        return cartelle["t"] + sum((f.liquidato for f in self.figure_bandi()), start=ZERO)

    def figure_bandi(self) -> list:
        """The figures of the bandi this line finances (cse/bandi: awards once final, paid instalments); their
        prestazioni carry no planned intervention, so nothing is counted twice."""
        from cse.bandi.liquidazione.selectors import bando_figures

        return [bando_figures(f.bando) for f in self.bandi_finanziati.select_related("bando")]

    def residuo(self) -> Decimal:
        return self.programmato - self.impegnato()


class BandoFinanziato(models.Model):
    """A bando of the ambito financed by a piano di zona line: its stanziamento (then its awards, its payments)
    counts in the line's committed and liquidated amounts. Owned here because the ambito tier may read cse/bandi,
    never the other way round."""

    linea = models.ForeignKey(LineaBudget, on_delete=models.PROTECT, related_name="bandi_finanziati")
    bando = models.OneToOneField("bandi.Bando", on_delete=models.PROTECT, related_name="finanziamento_pdz")
    collegato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    collegato_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bando finanziato dal piano di zona"
        verbose_name_plural = "bandi finanziati dal piano di zona"

    def __str__(self) -> str:
        return f"{self.bando} ← {self.linea}"


class Impegno(models.Model):
    """The commitment of a budget line to one intervention planned in a cartella."""

    linea = models.ForeignKey(LineaBudget, on_delete=models.PROTECT, related_name="impegni")
    intervento = models.OneToOneField(
        "cartella.InterventoPianificato", on_delete=models.PROTECT, related_name="impegno"
    )
    importo = models.DecimalField(max_digits=12, decimal_places=2, validators=POSITIVE)
    impegnato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    impegnato_il = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "impegni"
        ordering = ["-impegnato_il"]

    def __str__(self) -> str:
        return f"{self.linea}: {self.importo}"
