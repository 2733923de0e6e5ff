"""Assessment scales of the UVM (multidimensional assessment): items, answer options and scoring, in one place.

Scores are always COMPUTED here from the item answers (never typed). Which scales a session offers is configurable
with the setting CSE_UVM_SCALES (codes of SCALES; default: all of them).

Sources:
- Katz ADL: Katz S., Ford A.B., Moskowitz R.W. et al., "Studies of illness in the aged. The index of ADL",
  JAMA 1963;185(12):914-919; interpretation bands as in Hartford Institute for Geriatric Nursing, "Try This" issue 2
  (6 = full function, 4 = moderate impairment, 2 or less = severe impairment).
- Lawton IADL: Lawton M.P., Brody E.M., "Assessment of older people: self-maintaining and instrumental activities
  of daily living", The Gerontologist 1969;9(3):179-186 — eight items, each option scored 0 or 1 as in the original.
- Griglia di vulnerabilità sociale: a LOCAL grid (not a validated instrument) built on the dimensions of the
  multidimensional assessment of the Piano nazionale degli interventi e dei servizi sociali 2024-2026
  (seeds/piano-nazionale-servizi-sociali-2024-2026.txt: rete familiare, abitazione, reddito, isolamento, carico di
  cura); each item 0 (nessuna criticità) to 3 (criticità grave).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Opzione:
    valore: str
    label: str
    punti: int


@dataclass(frozen=True)
class Item:
    codice: str
    domanda: str
    opzioni: tuple[Opzione, ...]


@dataclass(frozen=True)
class Fascia:
    minimo: int
    massimo: int
    label: str


@dataclass(frozen=True)
class Scala:
    codice: str
    nome: str
    fonte: str
    items: tuple[Item, ...]
    fasce: tuple[Fascia, ...]

    @property
    def massimo(self) -> int:
        return sum(max(o.punti for o in item.opzioni) for item in self.items)

    def punteggio(self, risposte: dict[str, str]) -> tuple[int, str]:
        """(score, band) from the answers; every item must be answered with one of its options."""
        errors = {}
        total = 0
        for item in self.items:
            valore = str(risposte.get(item.codice, "") or "")
            opzione = next((o for o in item.opzioni if o.valore == valore), None)
            if opzione is None:
                errors[item.codice] = [f"Rispondere alla voce «{item.domanda}»."]
            else:
                total += opzione.punti
        unknown = set(risposte) - {item.codice for item in self.items}
        if unknown:
            errors["__all__"] = [f"Voci sconosciute per la scala {self.nome}: {', '.join(sorted(unknown))}."]
        if errors:
            raise ValidationError(errors)
        fascia = next(f.label for f in self.fasce if f.minimo <= total <= f.massimo)
        return total, fascia


def _dip(codice: str, domanda: str, autonomo: str, dipendente: str) -> Item:
    return Item(codice, domanda, (Opzione("1", autonomo, 1), Opzione("0", dipendente, 0)))


KATZ_ADL = Scala(
    codice="katz_adl",
    nome="ADL — Indice di Katz",
    fonte="Katz S. et al., JAMA 1963;185(12):914-919",
    items=(
        _dip(
            "bagno", "Fare il bagno", "Si lava da solo o con aiuto per una sola parte del corpo", "Ha bisogno di aiuto"
        ),
        _dip("vestirsi", "Vestirsi", "Prende i vestiti e si veste da solo", "Ha bisogno di aiuto per vestirsi"),
        _dip("toilette", "Uso dei servizi igienici", "Va in bagno e si pulisce da solo", "Ha bisogno di aiuto"),
        _dip("spostamenti", "Spostarsi letto-sedia", "Si sposta da solo", "Ha bisogno di aiuto per spostarsi"),
        _dip(
            "continenza", "Continenza", "Controllo completo di minzione e defecazione", "Incontinenza parziale o totale"
        ),
        _dip("alimentazione", "Alimentarsi", "Si alimenta da solo", "Ha bisogno di aiuto o di nutrizione assistita"),
    ),
    fasce=(
        Fascia(0, 2, "Compromissione funzionale grave"),
        Fascia(3, 5, "Compromissione funzionale moderata"),
        Fascia(6, 6, "Piena autonomia"),
    ),
)


def _opts(*pairs: tuple[str, int]) -> tuple[Opzione, ...]:
    return tuple(Opzione(str(n), label, punti) for n, (label, punti) in enumerate(pairs, start=1))


LAWTON_IADL = Scala(
    codice="lawton_iadl",
    nome="IADL — Scala di Lawton",
    fonte="Lawton M.P., Brody E.M., The Gerontologist 1969;9(3):179-186",
    items=(
        Item(
            "telefono",
            "Uso del telefono",
            _opts(
                ("Usa il telefono di propria iniziativa", 1),
                ("Compone solo alcuni numeri ben conosciuti", 1),
                ("Risponde ma non è capace di comporre i numeri", 1),
                ("Non usa il telefono", 0),
            ),
        ),
        Item(
            "spesa",
            "Fare la spesa",
            _opts(
                ("Fa tutta la spesa da solo", 1),
                ("Fa da solo solo piccoli acquisti", 0),
                ("Deve essere accompagnato", 0),
                ("Non è in grado di fare la spesa", 0),
            ),
        ),
        Item(
            "pasti",
            "Preparazione dei pasti",
            _opts(
                ("Organizza, prepara e serve pasti adeguati da solo", 1),
                ("Prepara pasti adeguati se gli vengono forniti gli ingredienti", 0),
                ("Scalda pasti pronti o prepara pasti senza una dieta adeguata", 0),
                ("Ha bisogno che i pasti gli siano preparati e serviti", 0),
            ),
        ),
        Item(
            "casa",
            "Governo della casa",
            _opts(
                ("Mantiene la casa da solo o con aiuto occasionale per i lavori pesanti", 1),
                ("Esegue compiti quotidiani leggeri (lavare i piatti, rifare il letto)", 1),
                ("Esegue compiti leggeri ma senza un livello di pulizia accettabile", 1),
                ("Ha bisogno di aiuto in tutte le attività domestiche", 1),
                ("Non partecipa ad alcuna attività domestica", 0),
            ),
        ),
        Item(
            "bucato",
            "Bucato",
            _opts(
                ("Fa il bucato personale da solo", 1),
                ("Lava solo piccoli capi", 1),
                ("Tutto il bucato deve essere fatto da altri", 0),
            ),
        ),
        Item(
            "trasporti",
            "Mezzi di trasporto",
            _opts(
                ("Si sposta da solo con i mezzi pubblici o guida l'auto", 1),
                ("Organizza i propri spostamenti in taxi, non usa mezzi pubblici", 1),
                ("Usa i mezzi pubblici se accompagnato", 1),
                ("Si sposta solo in taxi o in auto con accompagnatore", 0),
                ("Non si sposta", 0),
            ),
        ),
        Item(
            "farmaci",
            "Responsabilità nell'uso dei farmaci",
            _opts(
                ("Assume i farmaci da solo, nelle dosi e agli orari giusti", 1),
                ("Li assume se preparati in anticipo in dosi separate", 0),
                ("Non è in grado di assumerli da solo", 0),
            ),
        ),
        Item(
            "denaro",
            "Uso del denaro",
            _opts(
                ("Gestisce le proprie finanze da solo", 1),
                ("Gestisce le spese quotidiane, ha bisogno di aiuto per banca e grandi spese", 1),
                ("Non è in grado di maneggiare il denaro", 0),
            ),
        ),
    ),
    fasce=(
        Fascia(0, 3, "Dipendenza grave nelle attività strumentali"),
        Fascia(4, 6, "Dipendenza parziale nelle attività strumentali"),
        Fascia(7, 8, "Autonomia nelle attività strumentali"),
    ),
)

_GRADI = ("Nessuna criticità", "Criticità lieve", "Criticità moderata", "Criticità grave")


def _grado(codice: str, domanda: str) -> Item:
    return Item(codice, domanda, tuple(Opzione(str(n), label, n) for n, label in enumerate(_GRADI)))


VULNERABILITA_SOCIALE = Scala(
    codice="vulnerabilita_sociale",
    nome="Griglia di vulnerabilità sociale",
    fonte="Griglia locale sulle dimensioni del Piano nazionale degli interventi e dei servizi sociali 2024-2026",
    items=(
        _grado("rete", "Rete familiare e di sostegno"),
        _grado("abitazione", "Condizione abitativa"),
        _grado("reddito", "Condizione economica"),
        _grado("isolamento", "Isolamento sociale"),
        _grado("carico_cura", "Carico di cura sul caregiver"),
    ),
    fasce=(
        Fascia(0, 4, "Vulnerabilità bassa"),
        Fascia(5, 9, "Vulnerabilità media"),
        Fascia(10, 15, "Vulnerabilità alta"),
    ),
)

SCALES: dict[str, Scala] = {s.codice: s for s in (KATZ_ADL, LAWTON_IADL, VULNERABILITA_SOCIALE)}


def configured_scales() -> list[Scala]:
    """The scales this installation offers (setting CSE_UVM_SCALES; default all)."""
    codes = getattr(settings, "CSE_UVM_SCALES", None) or list(SCALES)
    return [SCALES[c] for c in codes]


def scala(codice: str) -> Scala:
    if codice not in {s.codice for s in configured_scales()}:
        raise ValidationError("Scala di valutazione non prevista.")
    return SCALES[codice]
