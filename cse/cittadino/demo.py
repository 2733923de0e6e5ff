"""Demo content of the citizen portal (called by seed_demo; idempotent): region home, a section per demo comune
and the ambito with services, news and opening hours, front offices with agendas and slots, one demo citizen."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from cse.core.models import Ente

from .agenda import Cittadino, FestaPatronale, RegolaOrario, Sportello
from .cms import portale_ensure, sezione_ensure
from .glossary import Argomento, TipoSportello
from .pages.notizia import NotiziaPage
from .pages.orari import OrariPage
from .pages.servizio import ServizioPage
from .services import cittadino_ensure
from .slots import slots_generate

SERVIZI = [
    (
        "Segretariato sociale",
        Argomento.INFORMAZIONI,
        "<p>Ascolto, informazione e orientamento sui servizi sociali e socio-sanitari del territorio.</p>",
        "<p>Tutti i residenti del comune.</p>",
        "",
        None,
    ),
    (
        "Assistenza domiciliare (SAD)",
        Argomento.NON_AUTOSUFFICIENZA,
        "<p>Aiuto a casa per la cura della persona e dell'abitazione.</p>",
        "<p>Anziani e persone con disabilità residenti, con ridotta autonomia.</p>",
        "<p>Compartecipazione al costo in base all'ISEE socio-sanitario.</p>",
        "25000.00",
    ),
    (
        "Contributi economici straordinari",
        Argomento.SOSTEGNO_REDDITO,
        "<p>Sostegno economico una tantum per spese urgenti.</p>",
        "<p>Nuclei residenti in condizione di difficoltà economica.</p>",
        "<p>Gratuito.</p>",
        "9360.00",
    ),
]


# A configured patron saint day (by codice catastale) so the demo shows it; the other comuni have none yet.
PATRONI = {"F284": ("Madonna dei Martiri", 8, 9)}  # Molfetta


def _sportello(ente: Ente, tipo: str, nome: str, indirizzo: str, rules) -> Sportello:
    sportello, created = Sportello.objects.get_or_create(
        ente=ente, nome=nome, defaults={"tipo": tipo, "indirizzo": indirizzo, "telefono": "080 0000000"}
    )
    if created:
        for giorno, start, end, posti in rules:
            RegolaOrario.objects.create(sportello=sportello, giorno=giorno, ora_inizio=start, ora_fine=end, posti=posti)
    slots_generate(sportello=sportello)
    return sportello


@transaction.atomic
def seed_portal(*, enti_comuni: list[Ente], ente_ambito: Ente, citizen: dict[str, str]) -> Cittadino:
    """`citizen`: codice_fiscale, nome, cognome, email of the person the SPID/CIE simulator logs in."""
    portale_ensure()
    weekday_mornings = [(d, time(9), time(12), 2) for d in range(5)]
    afternoons = [(1, time(15), time(17), 1), (3, time(15), time(17), 1)]
    for ente in enti_comuni:
        if ente.codice in PATRONI:
            santo, giorno, mese = PATRONI[ente.codice]
            FestaPatronale.objects.get_or_create(ente=ente, defaults={"santo": santo, "giorno": giorno, "mese": mese})
        sezione = sezione_ensure(
            ente=ente, introduzione=f"<p>I servizi sociali del {ente.nome}: cosa offrono e come prenotare.</p>"
        )
        segretariato = _sportello(
            ente,
            TipoSportello.SEGRETARIATO,
            "Segretariato sociale",
            "Piazza Municipio 1",
            weekday_mornings + afternoons,
        )
        _sportello(ente, TipoSportello.PUA, "Porta unica di accesso (PUA)", "Via Ospedale 5", afternoons)
        if not ServizioPage.objects.child_of(sezione).exists():
            for title, argomento, cosa, chi, costi, isee in SERVIZI:
                sezione.add_child(
                    instance=ServizioPage(
                        title=title,
                        cosa_e=cosa,
                        destinatari=chi,
                        documenti="<p>Documento di identità; attestazione ISEE se richiesta.</p>",
                        come_accedere="<p>Prenotando un appuntamento con il segretariato sociale.</p>",
                        costi=costi,
                        soglia_isee=isee,
                        contatti=f"<p>{segretariato.indirizzo}, tel. {segretariato.telefono}</p>",
                        sportello=segretariato,
                        argomento=argomento,
                    )
                )
            sezione.add_child(
                instance=NotiziaPage(
                    title="Nuovi orari del segretariato sociale",
                    sommario="Da questo mese lo sportello è aperto anche il martedì e il giovedì pomeriggio.",
                    testo="<p>Si riceve su appuntamento, prenotabile online.</p>",
                )
            )
            sezione.add_child(instance=OrariPage(title="Orari degli sportelli"))
        if ente == enti_comuni[0] and not sezione.mostra_prestazioni:
            sezione.mostra_prestazioni = True
            sezione.save_revision().publish()
    sezione_ensure(ente=ente_ambito, introduzione="<p>L'Ufficio di Piano dell'ambito.</p>")
    return cittadino_ensure(**citizen)
