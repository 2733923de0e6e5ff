"""The regional store: pseudonymised atomic events only (lives on the `regionale` database alias)."""

from django.db import models

from cse.core.codelists.leps import ModuloLeps
from cse.core.validators_dates import validate_period

# The column every regional table carries in its keys, so the store can be distributed by it (Citus) without a
# schema change: the ambito of the person's residence as the event reports it ("" when unknown). A projection row
# follows its newest event: if the person moved, the row moves to the new ambito (see bulk.upsert_newer).
AMBITO_LENGTH = 12


class EventoRegionale(models.Model):
    """One ingested event; idempotent on event_id, ordered per pseudonymous case by sequence.

    On PostgreSQL the table is partitioned by month of `evento_del` (migration 0011, partitions.py): its primary
    key is (id, ambito, evento_del) there, and no unique constraint may leave the partition key out, so the
    deduplication on event_id lives in EventoRicevuto, written in the same transaction.

    `lotto_dss` is the DSS batch the event was sent in (null: not yet in any batch). The export picks the next
    batch among the unmarked events, not "after the last id sent": ids are assigned at insert, not at commit, so a
    concurrent ingestion can make a lower id visible after a higher one was already sent.
    """

    event_id = models.UUIDField()
    event_type = models.CharField(max_length=80, db_index=True)
    schema_version = models.PositiveSmallIntegerField()
    case_key = models.CharField(max_length=64, help_text="riferimento pseudonimo della cartella")
    sequence = models.PositiveIntegerField()
    ente = models.CharField(max_length=12, db_index=True)
    soggetto = models.CharField(max_length=64, db_index=True, help_text="pseudonimo della persona")
    evento_del = models.DateField(db_index=True)
    payload = models.JSONField()
    ricevuto_il = models.DateTimeField(auto_now_add=True)
    ambito = models.CharField(max_length=AMBITO_LENGTH, blank=True, default="")
    # nullable, no default: adding it does not rewrite the (10M+ rows) table; no full index on it (see Meta)
    lotto_dss = models.ForeignKey(
        "LottoDss", null=True, blank=True, on_delete=models.PROTECT, related_name="eventi", db_index=False
    )

    class Meta:
        verbose_name_plural = "eventi regionali"
        # with the partition key (evento_del) and the distribution column (ambito), as PostgreSQL and Citus require
        constraints = [
            models.UniqueConstraint(
                fields=["case_key", "sequence", "ambito", "evento_del"], name="evento_sequence_unique"
            )
        ]
        # only the events not yet in a batch: the next batch's selection stays an index range scan, and the index
        # holds the unsent tail, not the whole table (a batch's own events are found by its id range, see dss.py)
        indexes = [
            models.Index(fields=["id"], condition=models.Q(lotto_dss__isnull=True), name="evento_dss_da_inviare")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class EventoRicevuto(models.Model):
    """Every event_id ever stored: the deduplication of the (partitioned) event table, whose unique constraints
    must include the month. Not partitioned and kept when a month is detached, so a late re-delivery of an
    archived event is still refused. The only table not keyed by ambito: it is only ever read by event_id, so a
    distributed deployment spreads it by event_id itself (docs/deployment.md)."""

    event_id = models.UUIDField(primary_key=True)
    evento_del = models.DateField(help_text="mese della partizione dell'evento")

    class Meta:
        verbose_name_plural = "eventi ricevuti (deduplicazione)"

    def __str__(self) -> str:
        return str(self.event_id)


class UltimaSequenza(models.Model):
    """The highest sequence received for each case: the gap detection reads it with one index probe per case,
    instead of a MAX over every monthly partition of the events (planned and scanned anew for each batch). Keyed
    by case_key alone, like EventoRicevuto by event_id: a distributed deployment spreads it by case_key."""

    case_key = models.CharField(max_length=64, primary_key=True)
    sequence = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "ultime sequenze per caso"

    def __str__(self) -> str:
        return f"{self.case_key[:8]} {self.sequence}"


class PrestazioneCorrente(models.Model):
    """Current state of each prestazione (its latest event by sequence), typed and kept up to date by the
    ingestion: what the derivations read, instead of parsing millions of JSON payloads. Rebuildable from the events
    (`manage.py rebuild_projections`)."""

    prestazione_key = models.CharField(max_length=64)
    case_key = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField()
    ente = models.CharField(max_length=12, help_text="ente titolare della cartella")
    ente_erogatore = models.CharField(max_length=12, blank=True, help_text="ente con potestà concessoria")
    soggetto = models.CharField(max_length=64)
    sesso = models.CharField(max_length=1)
    fascia_eta = models.CharField(max_length=8)
    comune_istat = models.CharField(max_length=6, blank=True)
    ambito = models.CharField(max_length=12, blank=True)
    codice = models.CharField(max_length=40)
    carattere = models.PositiveSmallIntegerField()
    data_inizio = models.DateField()
    data_fine = models.DateField(null=True)
    quantita = models.DecimalField(max_digits=12, decimal_places=2)
    unita = models.CharField(max_length=10)
    importo = models.DecimalField(max_digits=12, decimal_places=2)
    fonte = models.CharField(max_length=20)
    modulo_leps = models.CharField(max_length=5, blank=True)
    revocata = models.BooleanField(default=False, help_text="revocata con un atto: esclusa dalle derivazioni")

    class Meta:
        verbose_name_plural = "prestazioni (stato corrente)"
        constraints = [models.UniqueConstraint(fields=["prestazione_key", "ambito"], name="prestazione_corrente_unica")]
        indexes = [models.Index(fields=["data_inizio"]), models.Index(fields=["modulo_leps", "data_inizio"])]

    def __str__(self) -> str:
        return f"{self.codice} {self.prestazione_key[:8]}"

    def clean(self) -> None:
        validate_period(self.data_inizio, self.data_fine, end_field="data_fine")


class TrasmissioneSiuss(models.Model):
    """Where each prestazione stands in its SIUSS transmission: the state of its latest PS/PSA/SINA insert flow, as
    reported by the ente erogatore's events (flow prepared, exposed to INPS, acquired, rejected...)."""

    prestazione_key = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField()
    ente_erogatore = models.CharField(max_length=12)
    stato = models.CharField(max_length=20)
    aggiornato_il = models.DateField()
    ambito = models.CharField(max_length=AMBITO_LENGTH, blank=True, default="")

    class Meta:
        verbose_name_plural = "trasmissioni SIUSS (stato corrente)"
        constraints = [models.UniqueConstraint(fields=["prestazione_key", "ambito"], name="trasmissione_siuss_unica")]

    def __str__(self) -> str:
        return f"{self.prestazione_key[:8]} {self.stato}"


class CasoCorrente(models.Model):
    """Current facts of each pseudonymous case: latest area of need, whether it was ever taken into care."""

    case_key = models.CharField(max_length=64)
    area = models.CharField(max_length=40, blank=True)
    area_sequence = models.PositiveIntegerField(default=0)
    in_carico = models.BooleanField(default=False)
    ambito = models.CharField(max_length=AMBITO_LENGTH, blank=True, default="")
    ambito_sequence = models.PositiveIntegerField(default=0, help_text="sequenza dell'evento che ha dato l'ambito")

    class Meta:
        verbose_name_plural = "casi (stato corrente)"
        constraints = [models.UniqueConstraint(fields=["case_key", "ambito"], name="caso_corrente_unico")]

    def __str__(self) -> str:
        return self.case_key[:8]


class LacunaSequenza(models.Model):
    """Events of a case arrived out of order: sequences [da, a] are missing until they arrive (then colmata)."""

    case_key = models.CharField(max_length=64)
    da_sequenza = models.PositiveIntegerField()
    a_sequenza = models.PositiveIntegerField()
    colmata = models.BooleanField(default=False)
    rilevata_il = models.DateTimeField(auto_now_add=True)
    ambito = models.CharField(max_length=AMBITO_LENGTH, blank=True, default="")

    class Meta:
        verbose_name_plural = "lacune di sequenza"
        constraints = [models.UniqueConstraint(fields=["case_key", "da_sequenza", "ambito"], name="lacuna_unica")]

    def __str__(self) -> str:
        return f"{self.case_key[:8]} {self.da_sequenza}-{self.a_sequenza}"


class PrestazioneSiuss(models.Model):
    """Derived, de-identified: one row per prestazione and year (rebuilt by derive_siuss_prestazioni)."""

    anno = models.PositiveSmallIntegerField()
    ente = models.CharField(max_length=12)
    prestazione_key = models.CharField(max_length=64)
    soggetto = models.CharField(max_length=64)
    sesso = models.CharField(max_length=1)
    fascia_eta = models.CharField(max_length=8)
    comune_istat = models.CharField(max_length=6, blank=True)
    ambito = models.CharField(max_length=12, blank=True)
    codice = models.CharField(max_length=12)
    carattere = models.PositiveSmallIntegerField()
    area_utenza = models.PositiveSmallIntegerField(null=True)
    area = models.CharField("area di bisogno della cartella", max_length=30, blank=True)
    presa_in_carico = models.PositiveSmallIntegerField()
    data_inizio = models.DateField()
    data_fine = models.DateField(null=True)
    quantita = models.DecimalField(max_digits=12, decimal_places=2)
    unita = models.CharField(max_length=10)
    importo = models.DecimalField(max_digits=12, decimal_places=2)
    fonte = models.CharField(max_length=20)

    class Meta:
        verbose_name_plural = "prestazioni SIUSS (derivate)"
        constraints = [
            models.UniqueConstraint(fields=["anno", "prestazione_key", "ambito"], name="siuss_prestazione_anno")
        ]
        indexes = [models.Index(fields=["anno", "ente", "codice"])]

    def __str__(self) -> str:
        return f"{self.anno} {self.ente} {self.codice}"

    def clean(self) -> None:
        validate_period(self.data_inizio, self.data_fine, end_field="data_fine")


class Misura(models.TextChoices):
    BENEFICIARI = "beneficiari", "Beneficiari (persone distinte)"
    INTERVENTI = "interventi", "Interventi erogati"
    PROCESSI = "processi", "Processi attivati (cartelle per fase raggiunta)"
    IMPORTI = "importi", "Importi per fonte di finanziamento (€)"
    PROFESSIONISTI = "professionisti", "Professionisti e ore (inseriti dall'ambito)"
    PREFILL = "prefill", "Dati precompilati da piattaforma esterna (RPM)"


class Dimensione(models.TextChoices):
    TOTALE = "totale", "Totale"
    SESSO = "sesso", "Sesso"
    FASCIA_ETA = "fascia_eta", "Fascia d'età"
    AREA = "area", "Area di bisogno"
    CODICE = "codice", "Codice del nomenclatore"
    FASE = "fase", "Fase raggiunta"
    FONTE = "fonte", "Fonte di finanziamento"
    PROFILO = "profilo", "Profilo professionale"
    VOCE = "voce", "Voce della sezione"


class Origine(models.TextChoices):
    EVENTI = "eventi", "Calcolato dagli eventi"
    MANUALE = "manuale", "Inserito dall'ambito"
    RPM = "rpm", "Importato (RPM / P.I.P.P.I.)"


class IndicatoreLeps(models.Model):
    """A configurable indicator of a LEPS module: what it measures, split by which dimension, from which source."""

    modulo = models.CharField(max_length=5, choices=ModuloLeps.choices)
    codice = models.CharField(max_length=40)
    etichetta = models.CharField(max_length=200)
    misura = models.CharField(max_length=20, choices=Misura.choices)
    dimensione = models.CharField(max_length=20, choices=Dimensione.choices)
    ordine = models.PositiveSmallIntegerField(default=0)
    attivo = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "indicatori LEPS"
        ordering = ["modulo", "ordine", "codice"]
        constraints = [models.UniqueConstraint(fields=["modulo", "codice"], name="indicatore_leps_unico")]

    def __str__(self) -> str:
        return f"{self.modulo} {self.etichetta}"

    @property
    def origine(self) -> str:
        return {Misura.PROFESSIONISTI: Origine.MANUALE, Misura.PREFILL: Origine.RPM}.get(self.misura, Origine.EVENTI)


class StatoScheda(models.TextChoices):
    BOZZA = "bozza", "Bozza"
    FINALIZZATA = "finalizzata", "Finalizzata"
    FINALIZZATA_VUOTA = "finalizzata_vuota", "Finalizzata vuota (con motivo)"


class SchedaLeps(models.Model):
    """One LEPS module of one ambito for one year (SIOSS, DM 44/2025): draft while computed, frozen once finalised."""

    anno = models.PositiveSmallIntegerField()
    ambito = models.CharField(max_length=12)
    modulo = models.CharField(max_length=5, choices=ModuloLeps.choices)
    stato = models.CharField(max_length=20, choices=StatoScheda.choices, default=StatoScheda.BOZZA)
    motivo_vuota = models.TextField("motivo (scheda vuota)", blank=True)
    calcolata_il = models.DateTimeField(null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "schede LEPS"
        ordering = ["anno", "ambito", "modulo"]
        constraints = [models.UniqueConstraint(fields=["anno", "ambito", "modulo"], name="scheda_leps_unica")]

    def __str__(self) -> str:
        return f"{self.anno} {self.ambito} {self.modulo}"

    @property
    def modificabile(self) -> bool:
        return self.stato == StatoScheda.BOZZA


class ValoreLeps(models.Model):
    scheda = models.ForeignKey(SchedaLeps, on_delete=models.CASCADE, related_name="valori")
    indicatore = models.ForeignKey(IndicatoreLeps, on_delete=models.PROTECT)
    chiave = models.CharField(max_length=60, blank=True, help_text="valore della dimensione; vuoto per il totale")
    valore = models.DecimalField(max_digits=14, decimal_places=2)
    origine = models.CharField(max_length=10, choices=Origine.choices)

    class Meta:
        verbose_name_plural = "valori LEPS"
        constraints = [
            models.UniqueConstraint(fields=["scheda", "indicatore", "chiave"], name="valore_leps_unico"),
            models.CheckConstraint(condition=models.Q(valore__gte=0), name="valore_leps_non_negativo"),
        ]

    def __str__(self) -> str:
        return f"{self.indicatore.codice}[{self.chiave}]={self.valore}"


class PassaggioScheda(models.Model):
    """The history of a scheda's workflow: who moved it, when, why (operators live in another database)."""

    scheda = models.ForeignKey(SchedaLeps, on_delete=models.CASCADE, related_name="passaggi")
    da_stato = models.CharField(max_length=20, choices=StatoScheda.choices)
    a_stato = models.CharField(max_length=20, choices=StatoScheda.choices)
    operatore = models.CharField(max_length=150)
    motivo = models.TextField(blank=True)
    il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "passaggi delle schede LEPS"
        ordering = ["il", "id"]

    def __str__(self) -> str:
        return f"{self.scheda}: {self.da_stato} → {self.a_stato}"


class StatoLotto(models.TextChoices):
    DA_INVIARE = "da_inviare", "Da inviare"
    INVIATO = "inviato", "Ricevuto dal DSS"
    NON_INVIATO = "non_inviato", "DSS non raggiungibile (da ritentare)"
    RIFIUTATO = "rifiutato", "Rifiutato dal DSS"


class LottoDss(models.Model):
    """One batch of the regional events sent to the DSS: the events marked with it (EventoRegionale.lotto_dss).

    Its events are fixed when the batch is created (each event is marked with exactly one batch), so a batch that
    failed is resent with the same id and the same events and the DSS acknowledges it once (contract
    docs/interop/dss.md). `primo_evento`/`ultimo_evento` are its lowest and highest event ids: they name the batch
    and bound the search for its events, but the range may also hold events of other batches (a late-committed
    event goes into the next batch). Operators live in another database: a username.
    """

    id_lotto = models.CharField(max_length=40, unique=True)
    primo_evento = models.BigIntegerField()
    ultimo_evento = models.BigIntegerField()
    n_eventi = models.PositiveIntegerField()
    stato = models.CharField(max_length=20, choices=StatoLotto.choices, default=StatoLotto.DA_INVIARE)
    tentativi = models.PositiveSmallIntegerField(default=0)
    ricevuti = models.PositiveIntegerField(null=True, blank=True)
    esito = models.CharField(max_length=300, blank=True)
    codice_errore = models.CharField(max_length=60, blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    ultimo_tentativo_il = models.DateTimeField(null=True, blank=True)
    inviato_il = models.DateTimeField(null=True, blank=True)
    operatore = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "lotto inviato al DSS"
        verbose_name_plural = "lotti inviati al DSS"
        ordering = ["-id"]  # creation order: a later batch may start at a lower event id
        constraints = [
            # each event is in one batch only, so two batches never share their first event (nor their id)
            models.UniqueConstraint(fields=["primo_evento"], name="lotto_dss_primo_evento_unico"),
            models.CheckConstraint(
                condition=models.Q(ultimo_evento__gte=models.F("primo_evento")), name="lotto_dss_range"
            ),
        ]

    def __str__(self) -> str:
        return self.id_lotto
