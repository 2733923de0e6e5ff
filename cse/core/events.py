"""The event-type registry: every event the product appends to the outbox, with the payload fields it carries.

`outbox_append` refuses a type that is not listed here, so a new event cannot reach the outbox (and the region)
without a line in this registry and in the generated table of docs/events.md. `fields` are the payload keys the relay
lets through to the regional tier: each is allow-listed by `event_schema.DATA_FIELDS`, or is one of the internal ids of
`LOCAL_IDS` that the relay replaces with a keyed pseudonym. `local` are payload keys read only in the local tier
(the relay drops them: they never leave).
"""

from __future__ import annotations

from dataclasses import dataclass

# internal ids in outbox payloads → the pseudonymised key the relay sends instead (a DATA_FIELDS entry)
LOCAL_IDS: dict[str, str] = {
    "prestazione": "prestazione_key",
    "intervento": "intervento_key",
    "voce": "voce_key",
    "documento": "documento_key",
}

REGISTRY_NAME = "cse.core.events.EVENTS"


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate: str  # the model whose outbox sequence the event joins: "cartella", "assistito" or a local one (bandi)
    fields: tuple[str, ...]
    description: str
    local: tuple[str, ...] = ()


_PRESTAZIONE = (
    "prestazione",
    "codice",
    "carattere",
    "data_inizio",
    "data_fine",
    "quantita",
    "unita",
    "importo",
    "fonte",
    "modulo_leps",
    "ente_erogatore",
)
_FLUSSO = ("prestazione", "ente_erogatore", "codice", "tipo", "operazione")
_FLUSSO_STATI = {
    "pronto": "flusso SIUSS validato e pronto per l'esposizione a INPS",
    "esposto": "flusso SIUSS esposto a INPS",
    "acquisito": "flusso SIUSS acquisito da INPS (esito OK)",
    "errore": "flusso SIUSS respinto da INPS",
    "da_correggere": "flusso SIUSS da correggere: cancellazione in corso",
    "annullato": "flusso SIUSS annullato o sostituito",
}

# Aggregates whose events the relay sends to the regional tier; the others stay local (cse/cartella/relay.py), read by
# the local workers (e.g. the protocol queue for a submitted domanda).
REGIONAL_AGGREGATES = ("cartella", "assistito")
_BANDI: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("bando.creato", "bando", "bando creato in bozza", ("codice", "versione")),
    ("bando.aggiornato", "bando", "bando in bozza modificato", ("codice", "versione")),
    ("bando.pubblicato", "bando", "bando pubblicato: regole immutabili", ("codice", "versione")),
    ("bando.rettificato", "bando", "bando sostituito da una nuova versione", ("codice", "versione", "nuova")),
    ("bando.chiuso", "bando", "bando chiuso dopo la scadenza", ("codice", "versione")),
    ("bando.revocato", "bando", "bando revocato", ("codice", "versione")),
    ("domanda.creata", "domanda", "domanda salvata in bozza", ("bando", "canale")),
    ("domanda.presentata", "domanda", "domanda presentata: protocollazione in coda", ("bando", "canale")),
    ("domanda.protocollata", "domanda", "domanda registrata nel protocollo", ("numero", "data")),
    ("domanda.ritirata", "domanda", "domanda ritirata dal richiedente", ("bando",)),
    ("domanda.dati_acquisiti", "domanda", "dati acquisiti da ANPR e INPS", ("fatti", "errori")),
    ("domanda.assegnata", "domanda", "istruttoria assegnata a un operatore", ("istruttore",)),
    ("domanda.valutata", "domanda", "criteri valutati", ("ammissibile", "punteggio", "da_verificare")),
    ("domanda.dato_rettificato", "domanda", "dato accertato dall'operatore", ("fatto",)),
    ("domanda.integrazione_richiesta", "domanda", "integrazione richiesta: termine sospeso", ("scadenza",)),
    ("domanda.integrazione_ricevuta", "domanda", "integrazione ricevuta: termine ripreso", ("giorni",)),
    ("domanda.istruita", "domanda", "istruttoria conclusa", ("esito", "punteggio")),
    ("domanda.esclusa", "domanda", "domanda esclusa per inammissibilità", ("bando",)),
    ("graduatoria.calcolata", "graduatoria", "graduatoria provvisoria calcolata", ("bando", "ammesse", "finanziate")),
    ("graduatoria.definitiva", "graduatoria", "graduatoria resa definitiva", ("bando",)),
    ("domanda.revocata", "domanda", "beneficio revocato con un atto", ("atto", "decorrenza")),
    ("liquidazione.aperta", "liquidazione", "piano di pagamento aperto per un beneficiario", ("domanda", "importo")),
    ("liquidazione.iban_registrato", "liquidazione", "IBAN di pagamento registrato", ("intestatario", "canale")),
    ("liquidazione.rate_pianificate", "liquidazione", "rate del contributo pianificate", ("rate", "importo")),
    ("liquidazione.revocata", "liquidazione", "revoca: rate annullate, importo da recuperare", ("importo",)),
    ("rata.liquidata", "rata", "rata pagata con mandato: prestazione registrata", ("numero", "importo", "mandato")),
    ("rata.annullata", "rata", "rata annullata da una revoca", ("numero",)),
    (
        "lineabudget.bando_collegato",
        "lineabudget",
        "bando finanziato da una linea del piano di zona",
        ("bando", "importo"),
    ),
    ("provvedimento.redatto", "provvedimento", "provvedimento redatto in bozza", ("bando", "tipo")),
    (
        "provvedimento.sottoposto",
        "provvedimento",
        "provvedimento sottoposto ad approvazione: il PDF si genera fuori dalla richiesta",
        ("tipo",),
    ),
    (
        "provvedimento.documento_pronto",
        "provvedimento",
        "PDF del provvedimento generato con la sua impronta SHA-256: ora si può approvare",
        ("sha256",),
    ),
    ("provvedimento.restituito", "provvedimento", "provvedimento restituito al redattore con un motivo", ("tipo",)),
    (
        "provvedimento.approvato",
        "provvedimento",
        "provvedimento approvato da un secondo operatore: notifiche in coda",
        ("tipo", "domande"),
    ),
    (
        "provvedimento.protocollato",
        "provvedimento",
        "provvedimento registrato nel protocollo in uscita",
        ("numero", "data"),
    ),
    ("domanda.decisa", "domanda", "esito della domanda stabilito da un provvedimento", ("esito", "provvedimento")),
    ("domanda.riesame_chiesto", "domanda", "riesame chiesto: istruttoria riaperta", ("provvedimento",)),
    ("notifica.inviata", "notifica", "esito comunicato al richiedente", ("canale",)),
    ("notifica.da_stampare", "notifica", "esito da comunicare con lettera stampata", ("canale",)),
    ("notifica.non_inviata", "notifica", "notifica non inviata: da verificare", ("canale",)),
]
# informativa and consents (cse/cartella/actions/consensi.py): local only — a person's privacy choices are the
# controller's proof (GDPR art. 7(1)), not a datum for the region.
_PRIVACY: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("informativa.registrata", "informativa", "informativa privacy consegnata", ("versione", "canale")),
    ("consenso.dato", "consenso", "consenso dato per una finalità", ("finalita", "canale")),
    ("consenso.revocato", "consenso", "consenso revocato (operatore o portale)", ("finalita", "tramite")),
    (
        "consenso.condivisione_terminata",
        "consenso",
        "condivisione di una cartella terminata per revoca del consenso",
        ("cartella", "base_giuridica"),
    ),
]
# compartecipazione (cse/compartecipazione): local only, like the bandi — a charge and its payment are the ente's
# accounting, not a SIUSS or SIOSS datum (the prestazione they price already reaches SIUSS through the cartella).
_COMPARTECIPAZIONE: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("tariffa.creata", "tariffa", "tariffa con fasce ISEE registrata (nuova versione)", ("voce", "versione")),
    ("compartecipazione.calcolata", "compartecipazione", "compartecipazione del mese calcolata", ("mese", "importo")),
    ("compartecipazione.avviso_accodato", "compartecipazione", "avviso pagoPA in coda di emissione", ("chiave",)),
    ("compartecipazione.avviso_emesso", "compartecipazione", "avviso pagoPA emesso", ("iuv", "scadenza")),
    ("compartecipazione.pagata", "compartecipazione", "pagamento riconciliato dalla ricevuta pagoPA", ("iuv",)),
    ("compartecipazione.annullata", "compartecipazione", "compartecipazione annullata con atto motivato", ("motivo",)),
    (
        "compartecipazione.pagata_in_parte",
        "compartecipazione",
        "ricevuta inferiore all'avviso: il residuo resta da riscuotere",
        ("iuv", "versato", "residuo"),
    ),
    (
        "compartecipazione.residuo_calcolato",
        "compartecipazione",
        "residuo di una compartecipazione pagata in parte, con un suo avviso",
        ("residuo_di", "importo"),
    ),
    ("compartecipazione.avviso_annullato", "compartecipazione", "avviso annullato anche su pagoPA", ("iuv",)),
    (
        "compartecipazione.rimborso_dovuto",
        "compartecipazione",
        "somma da restituire: pagato due volte, più del dovuto o un avviso annullato",
        ("motivo", "importo"),
    ),
    ("compartecipazione.rimborso_disposto", "compartecipazione", "rimborso disposto con mandato", ("importo",)),
    ("compartecipazione.rimborso_non_dovuto", "compartecipazione", "rimborso dichiarato non dovuto", ("motivo",)),
]
# approvals (cse/cartella/approvazioni.py): local only — who asked and who decided stay in the ente; the action an
# approval lets through emits its own case event (e.g. cartella.fase_cambiata) when it runs.
_APPROVAZIONI: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("approvazione.richiesta", "richiestaapprovazione", "azione trattenuta in attesa di approvazione", ("azione",)),
    (
        "approvazione.approvata",
        "richiestaapprovazione",
        "azione approvata da un secondo operatore ed eseguita",
        ("azione",),
    ),
    ("approvazione.respinta", "richiestaapprovazione", "azione respinta con motivazione", ("azione",)),
    (
        "approvazione.ritirata",
        "richiestaapprovazione",
        "richiesta di approvazione ritirata dal richiedente",
        ("azione",),
    ),
    (
        "approvazione.regola_aggiornata",
        "regolaapprovazione",
        "regola di approvazione dell'ente configurata",
        ("azione", "ruolo", "soglia", "attiva"),
    ),
]

_TYPES: list[EventType] = [
    # case lifecycle
    EventType("cartella.aperta", "cartella", ("area", "aperta_il"), "cartella aperta", ("owner_ente",)),
    EventType("cartella.fase_cambiata", "cartella", ("da", "a", "area", "data"), "passaggio di fase della cartella"),
    EventType("cartella.riaperta", "cartella", ("area", "data"), "cartella riaperta come nuovo episodio"),
    EventType("cartella.titolarita_trasferita", "cartella", ("da_ente", "a_ente"), "titolarità passata ad altro ente"),
    EventType(
        "cartella.trasferimento_richiesto", "cartella", ("da_ente", "a_ente"), "trasferimento chiesto all'ambito"
    ),
    EventType(
        "cartella.trasferimento_respinto", "cartella", ("da_ente", "a_ente"), "trasferimento respinto dall'ambito"
    ),
    # phase records
    EventType(
        "cartella.scheda_accesso_aggiornata",
        "cartella",
        ("canale", "area", "esito", "data_accesso"),
        "scheda di accesso registrata o modificata",
    ),
    EventType(
        "cartella.valutazione_aggiornata",
        "cartella",
        ("economica", "abitativa", "salute", "familiare", "lavoro", "gravita", "urgenza", "data"),
        "valutazione del bisogno registrata o modificata",
    ),
    EventType(
        "cartella.progetto_aggiornata",
        "cartella",
        ("data_revisione", "sottoscritto"),
        "progetto individuale registrato o modificato",
    ),
    EventType(
        "cartella.chiusura_aggiornata",
        "cartella",
        ("esito_obiettivi", "motivo"),
        "valutazione finale e chiusura registrate o modificate",
    ),
    # interventions, prestazioni, ente erogatore
    EventType(
        "cartella.intervento_pianificato",
        "cartella",
        ("intervento", "codice", "fonte", "modulo_leps", "ore_previste", "importo_previsto"),
        "intervento pianificato nel progetto",
    ),
    EventType("cartella.prestazione_erogata", "cartella", _PRESTAZIONE, "prestazione erogata registrata"),
    EventType("cartella.prestazione_conclusa", "cartella", _PRESTAZIONE, "prestazione conclusa (data di fine)"),
    EventType(
        "cartella.prestazione_revocata",
        "cartella",
        (*_PRESTAZIONE, "data"),
        "prestazione revocata con un atto: esce dai conteggi, SIUSS la cancella",
    ),
    EventType(
        "cartella.ente_erogatore_cambiato", "cartella", ("codice",), "ente erogatore di una voce cambiato", ("ente",)
    ),
    # diario and documents (retractions carry only the key)
    EventType("cartella.diario_voce", "cartella", ("tipo", "data", "voce"), "voce di diario registrata"),
    EventType("cartella.diario_voce_ritirata", "cartella", ("voce",), "voce di diario oscurata: ritirata in regione"),
    EventType("cartella.documento_caricato", "cartella", ("tipo", "documento"), "documento caricato"),
    EventType("cartella.documento_ritirato", "cartella", ("documento",), "documento oscurato: ritirato in regione"),
    # ambito: UVM, waiting lists, budget
    EventType("cartella.uvm_convocata", "cartella", ("data",), "UVM convocata sulla cartella"),
    EventType(
        "cartella.uvm_valutazione", "cartella", (), "scala di valutazione compilata in UVM", ("scala", "punteggio")
    ),
    EventType(
        "cartella.progetto_personalizzato",
        "cartella",
        ("importo_previsto", "data"),
        "progetto personalizzato definito in UVM",
    ),
    EventType("cartella.uvm_conclusa", "cartella", (), "sessione UVM conclusa (verbale chiuso)"),
    EventType("cartella.lista_attesa", "cartella", ("codice",), "inserimento in lista d'attesa di un servizio"),
    EventType("cartella.impegno_spesa", "cartella", ("intervento", "fonte", "importo"), "impegno di spesa"),
    # SIUSS
    *(EventType(f"siuss.flusso_{stato}", "cartella", _FLUSSO, descr) for stato, descr in _FLUSSO_STATI.items()),
    EventType("siuss.dati_aggiornati", "cartella", ("codice",), "dati SIUSS di una prestazione aggiornati"),
    EventType("siuss.scheda_aggiornata", "cartella", ("tipo",), "scheda SINA o SINBA aggiornata"),
    # the person
    EventType(
        "assistito.aggiornato",
        "assistito",
        ("comune_residenza", "cittadinanza", "condizione_occupazionale", "disabilita"),
        "anagrafica aggiornata",
    ),
    EventType(
        "assistito.isee_registrato", "assistito", ("tipo", "valore", "valida_dal", "valida_al"), "ISEE registrato"
    ),
    EventType("assistito.relazione_aggiunta", "assistito", ("tipo", "convivente"), "relazione familiare aggiunta"),
    EventType("assistito.contatto_aggiunto", "assistito", ("tipo",), "contatto esterno aggiunto"),
    EventType("assistito.unificato", "assistito", (), "scheda duplicata unita a questa", ("unito", "unione")),
    EventType(
        "assistito.unione_annullata",
        "assistito",
        (),
        "annullata l'unione di una scheda duplicata: le due schede tornano distinte",
        ("unione", "ripristinata"),
    ),
    # deadlines of a case (cse/cartella/actions/scadenze.py): local only, the relay reads only the case aggregates
    EventType("scadenza.aperta", "scadenza", (), "scadenza aperta su una cartella", ("tipo", "scadenza")),
    EventType("scadenza.fatta", "scadenza", (), "scadenza segnata come fatta", ("tipo", "scadenza")),
    EventType("scadenza.annullata", "scadenza", (), "scadenza annullata", ("tipo", "scadenza")),
    # bandi (cse/bandi): local only — nothing goes to the region (the relay reads only the case aggregates)
    *(EventType(name, aggregate, (), descr, local) for name, aggregate, descr, local in _BANDI),
    *(EventType(name, aggregate, (), descr, local) for name, aggregate, descr, local in _COMPARTECIPAZIONE),
    *(EventType(name, aggregate, (), descr, local) for name, aggregate, descr, local in _PRIVACY),
    *(EventType(name, aggregate, (), descr, local) for name, aggregate, descr, local in _APPROVAZIONI),
]

EVENTS: dict[str, EventType] = {t.name: t for t in _TYPES}


def check_registered(event_type: str) -> EventType:
    """The registered type, or ValueError naming the registry (an unlisted event never reaches the outbox)."""
    try:
        return EVENTS[event_type]
    except KeyError:
        raise ValueError(
            f"Tipo di evento «{event_type}» non registrato: aggiungerlo a {REGISTRY_NAME} (e a docs/events.md)."
        ) from None


def markdown_table() -> str:
    """The table of docs/events.md, generated from the registry (a test keeps the two equal)."""
    rows = [
        "| Evento | Aggregato | Campi verso la regione | Campi solo locali | Descrizione |",
        "|---|---|---|---|---|",
    ]
    for t in sorted(EVENTS.values(), key=lambda t: t.name):
        regional = ", ".join(LOCAL_IDS.get(f, f) for f in t.fields) or "—"
        rows.append(f"| `{t.name}` | {t.aggregate} | {regional} | {', '.join(t.local) or '—'} | {t.description} |")
    return "\n".join(rows) + "\n"
