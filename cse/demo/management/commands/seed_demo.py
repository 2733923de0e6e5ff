"""Idempotent demo data: a plausible region with 2 ambiti and 8 comuni, operators for every role, synthetic people.

manage.py seed_demo               # demo size
manage.py seed_demo --scale 100000  # benchmark size (bulk inserts, history written in bulk)
manage.py seed_demo --url http://127.0.0.1:8001/  # the address printed with the logins (dev.py demo passes it)

Besides people and operators: two ambiti, bookings on the next two open days of the front offices, a transfer
waiting for the ambito, a UVM session in progress, events relayed to the regional tier and derived, and a citizen
who logs in through the SPID/CIE simulator (interop/simulators/oidc.py).
"""

from __future__ import annotations

import random
import time
from datetime import date
from itertools import islice

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cse.cartella.models import Assistito, Cartella
from cse.core.codelists.aree import AreaBisogno
from cse.core.models import Ambito, Comune, Ente, Operatore, Regione
from cse.core.roles import ROLES_BY_TIPO_ENTE, Ruolo
from cse.core.services import (
    BUNDLED_COMUNI_CSV,
    comuni_import,
    ente_for_ambito,
    ente_for_comune,
    ente_for_regione,
    incarico_assign,
    operatore_create,
    read_istat_csv,
)
from cse.demo.synthetic import generate_people

DEMO_PASSWORD = "Demo-CSE-2026!"  # noqa: S105 — printed on purpose: demo only, refused by production settings
REGIONE_ISTAT = "16"
AMBITI = {
    "BA01": ("Molfetta - Giovinazzo - Terlizzi - Ruvo", ["072029", "072022", "072043", "072038"]),
    "BA05": ("Altamura - Gravina - Santeramo - Poggiorsini", ["072004", "072023", "072041", "072034"]),
}
OPERATOR_COMUNI = {"072029": "molfetta", "072022": "giovinazzo"}
OPERATOR_AMBITO = ("BA01", "ambito-ba01")
FOREIGN_BIRTHPLACES = ["Z100", "Z129", "Z330", "Z210", "Z604"]  # Albania, Romania, Marocco, Cina, Colombia
# What each login is for, printed next to it (paths under the demo's address).
WHAT_TO_TRY = {
    ("comune", "segretariato"): "Agenda dello sportello (/locale/agenda/): gli appuntamenti di oggi e del prossimo "
    "giorno di apertura; registrare un nuovo accesso da un appuntamento",
    ("comune", "assistente_sociale"): "Cartelle (/operatore/): aprirne una, registrare una prestazione; "
    "a Giovinazzo una richiesta di trasferimento all'ambito è in attesa",
    ("comune", "responsabile"): "Trasmissioni SIUSS del comune (dalla home): flussi inviati, esiti, correzioni; "
    "a Molfetta, «Da approvare» (/operatore/approvazioni/): una richiesta di trasferimento attende l'approvazione",
    (
        "comune",
        "amministratore_ente",
    ): "Operatori dell'ente (dalla home): incarichi, revoche, codici di attivazione TOTP",
    ("comune", "redattore_portale"): "Pagine del portale del cittadino (/cms/)",
    ("ambito", "ufficio_di_piano"): "Trasferimenti (/ambito/trasferimenti/): accettare la richiesta in attesa; "
    "servizi, liste d'attesa e budget",
    ("ambito", "coordinatore_uvm"): "Sessione UVM in corso (/ambito/uvm/): presenze, scale, verbale, progetto",
    ("ambito", "assistente_sociale"): "Cartelle dell'ambito (/ambito/cartelle/): il caso trasferito da Molfetta",
    ("regione", "analista_regionale"): "Cruscotto regionale (/regionale/): prestazioni SIUSS e indicatori LEPS "
    "dai dati pseudonimizzati",
}


class Command(BaseCommand):
    help = "Crea (o completa) i dati dimostrativi sintetici e stampa le credenziali di prova."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=240, help="numero totale di assistiti sintetici")
        parser.add_argument("--quiet-logins", action="store_true", help="non stampare le credenziali")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="indirizzo del server, per le istruzioni")

    def handle(self, *args, scale: int, quiet_logins: bool, url: str, **options):
        started = time.monotonic()
        if Comune.objects.count() < 7000:
            result = comuni_import(read_istat_csv(BUNDLED_COMUNI_CSV))
            self.stdout.write(f"Comuni importati: {result.created} (ISTAT, CC BY 3.0 IT)")
        enti_comuni, ente_ambito = self._territory()
        logins = self._operators(enti_comuni, ente_ambito)
        created = self._people(enti_comuni, scale)
        self._transfer_one_case(enti_comuni, ente_ambito)
        self._approvals(enti_comuni)
        self._regional_data(enti_comuni["072029"])
        self._scadenze()
        citizen = self._portal(enti_comuni, ente_ambito)
        bookings = self._bookings(enti_comuni, citizen)
        self._bandi(enti_comuni, citizen)
        self._compartecipazione(enti_comuni, citizen)
        self._consensi(enti_comuni, citizen)
        self._doppione(enti_comuni)
        self.stdout.write(
            f"Assistiti sintetici creati ora: {created} (totale {Assistito.objects.count()}); "
            f"appuntamenti dimostrativi creati ora: {bookings}; in {time.monotonic() - started:.1f} s"
        )
        if not quiet_logins:
            self._print_walkthrough(logins, citizen, url.rstrip("/"))

    def _print_walkthrough(self, logins: list[tuple[str, str, str]], citizen, base: str) -> None:
        """Every login with its role and ente, and what to try with it: a newcomer's five-minute tour."""
        from django.conf import settings

        totp = (
            "secondo fattore TOTP richiesto: alla prima entrata l'amministratore dell'ente dà un codice di attivazione"
            if settings.CSE_REQUIRE_OTP
            else "nessun secondo fattore (TOTP) in modalità demo"
        )
        self.stdout.write(
            self.style.SUCCESS(f"\nCredenziali dimostrative — password per tutti: {DEMO_PASSWORD} ({totp})")
        )
        self.stdout.write(f"Accesso operatori: {base}/operatore/\n")
        for username, description, hint in logins:
            self.stdout.write(f"  {username:<34} {description}")
            if hint:
                self.stdout.write(f"  {'':<34} da provare: {hint.replace('(/', f'({base}/')}")
        from cse.ambito.models import SessioneUVM

        sessione = SessioneUVM.objects.filter(membri__user__username="asl.geriatra").order_by("-pk").first()
        if sessione is not None:
            self.stdout.write(
                f"  {'asl.geriatra':<34} Geriatra dell'ASL, membro esterno della sessione UVM in corso\n"
                f"  {'':<34} da provare: {base}/ambito/uvm/{sessione.pk}/ — vede solo la sessione a cui partecipa"
            )
        self.stdout.write(
            "\nSimulatori ANPR/INPS (interop/): in «Nuovo accesso» provare «Recupera da ANPR / INPS» con "
            "RSSMRA61C12F284I (famiglia e ISEE), LRSGPP38A70F284E (ISEE socio-sanitario), "
            "SMLFLN70A01F284R (ANPR non disponibile); elenco in docs/interop/README.md"
        )
        if citizen is not None:
            self.stdout.write(
                f"\nPortale del cittadino: {base}/ — «Accedi» porta al simulatore SPID/CIE (manage.py run_simulators),"
                f" che fa entrare {citizen.nome} {citizen.cognome} ({citizen.codice_fiscale}, residente a Molfetta):"
                " nell'area personale c'è il suo appuntamento; prenotarne un altro o spostarlo. "
                f"Redazione del portale su {base}/cms/ (utenti *.redattore_portale)."
            )

    def _bookings(self, enti_comuni: dict[str, Ente], citizen) -> int:
        """Appointments on the next two open days of each demo comune's front offices (cse/demo/bookings.py)."""
        from cse.cittadino.agenda import Sportello
        from cse.demo.bookings import seed_bookings

        made = 0
        for n, istat in enumerate(OPERATOR_COMUNI):
            for sportello in Sportello.objects.filter(ente=enti_comuni[istat]).order_by("pk"):
                made += len(seed_bookings(sportello=sportello, citizen=citizen if n == 0 else None))
                citizen = None if made else citizen  # the demo citizen holds one appointment
        return made

    @transaction.atomic
    def _territory(self) -> tuple[dict[str, Ente], Ente]:
        regione = Regione.objects.get(codice_istat=REGIONE_ISTAT)
        enti_comuni: dict[str, Ente] = {}
        ambito_enti: dict[str, Ente] = {}
        for codice, (nome, comuni) in AMBITI.items():
            ambito, _ = Ambito.objects.get_or_create(codice=codice, defaults={"nome": nome, "regione": regione})
            ambito_enti[codice] = ente_for_ambito(ambito)
            for istat in comuni:
                comune = Comune.objects.get(codice_istat=istat)
                if comune.ambito_id != ambito.pk:
                    comune.ambito = ambito
                    comune.save(update_fields=["ambito"])
                enti_comuni[istat] = ente_for_comune(comune)
        ente_for_regione(regione)
        return enti_comuni, ambito_enti[OPERATOR_AMBITO[0]]

    def _operators(self, enti_comuni: dict[str, Ente], ente_ambito: Ente) -> list[tuple[str, str, str]]:
        plan: list[tuple[str, Ente, str]] = []
        for istat, slug in OPERATOR_COMUNI.items():
            plan += [(f"{slug}.{ruolo}", enti_comuni[istat], ruolo) for ruolo in ROLES_BY_TIPO_ENTE["comune"]]
        plan += [(f"{OPERATOR_AMBITO[1]}.{ruolo}", ente_ambito, ruolo) for ruolo in ROLES_BY_TIPO_ENTE["ambito"]]
        ente_regione = Ente.objects.get(regione__codice_istat=REGIONE_ISTAT)
        plan += [(f"regione.{ruolo}", ente_regione, ruolo) for ruolo in ROLES_BY_TIPO_ENTE["regione"]]
        logins = []
        for n, (username, ente, ruolo) in enumerate(plan, start=1):
            operatore = Operatore.objects.filter(user__username=username).first()
            if operatore is None:
                person = next(islice(generate_people(1, birthplaces=["F284"], seed=1000 + n), 0, None))
                operatore = operatore_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    first_name=person.nome,
                    last_name=person.cognome,
                    email=f"{username}@example.invalid",
                    codice_fiscale=person.codice_fiscale,
                    ente=ente,
                    ruolo=ruolo,
                    qualifica=Ruolo(ruolo).label,
                )
            else:
                incarico_assign(operatore=operatore, ente=ente, ruolo=ruolo)
            hint = WHAT_TO_TRY.get((ente.tipo, ruolo)) or WHAT_TO_TRY.get(("*", ruolo), "")
            logins.append((username, f"{Ruolo(ruolo).label} — {ente.nome}", hint))
        return logins

    def _people(self, enti_comuni: dict[str, Ente], scale: int) -> int:
        """Deterministic people spread over the demo comuni; already present CFs are skipped (idempotent)."""
        comuni = {c.codice_istat: c for c in Comune.objects.filter(codice_istat__in=enti_comuni)}
        birthplaces = [c.codice_catastale for c in comuni.values()] + FOREIGN_BIRTHPLACES
        existing = set(Assistito.objects.values_list("owner_ente_id", "codice_fiscale"))
        istat_codes = sorted(enti_comuni)
        rng = random.Random(11)
        today = timezone.localdate()
        areas = list(AreaBisogno.values)
        created = 0
        batch: list[Assistito] = []
        for person in generate_people(scale, birthplaces=birthplaces):
            istat = istat_codes[rng.randrange(len(istat_codes))]
            ente = enti_comuni[istat]
            if (ente.pk, person.codice_fiscale) in existing:
                continue
            batch.append(
                Assistito(
                    owner_ente=ente,
                    codice_fiscale=person.codice_fiscale,
                    cognome=person.cognome,
                    nome=person.nome,
                    sesso=person.sesso,
                    data_nascita=person.data_nascita,
                    luogo_nascita=person.luogo_nascita,
                    comune_residenza=comuni[istat],
                )
            )
            if len(batch) >= 5000:
                created += self._flush(batch, rng, areas, today)
                batch = []
        if batch:
            created += self._flush(batch, rng, areas, today)
        return created

    @transaction.atomic
    def _flush(self, batch: list[Assistito], rng: random.Random, areas: list[str], today) -> int:
        for person in batch:
            person.fill_search_keys()
        people = bulk_create_with_history(batch, Assistito, batch_size=1000)
        if any(p.pk is None for p in people):  # SQLite < 3.35 or similar: fetch the ids back
            cfs = [p.codice_fiscale for p in people]
            people = list(Assistito.objects.filter(codice_fiscale__in=cfs))
        counters: dict[int, int] = {}
        for ente_id, numero in Cartella.objects.filter(numero__startswith=f"{today.year}/").values_list(
            "numerata_da_id", "numero"
        ):
            counters[ente_id] = max(counters.get(ente_id, 0), int(numero.split("/")[1]))
        cartelle = []
        for person in people:
            if rng.random() < 0.6:
                counters[person.owner_ente_id] = counters.get(person.owner_ente_id, 0) + 1
                cartelle.append(
                    Cartella(
                        assistito=person,
                        owner_ente_id=person.owner_ente_id,
                        numerata_da_id=person.owner_ente_id,
                        numero=f"{today.year}/{counters[person.owner_ente_id]:06d}",
                        area=rng.choice(areas),
                        aperta_il=today,
                    )
                )
        bulk_create_with_history(cartelle, Cartella, batch_size=1000)
        return len(people)

    def _regional_data(self, siuss_ente: Ente) -> None:
        """Cases delivered through the services, one comune's SIUSS transmission, everything relayed to the region,
        the year derived (SIUSS and SIOSS)."""
        from django.contrib.auth import get_user_model

        from cse.cartella.relay import relay_outbox
        from cse.demo.regional import DEMO_EROGATORE, deliver_demo_cases
        from cse.regionale.derivations import derive_siuss_prestazioni
        from cse.regionale.leps import derive_sioss_leps_counts
        from cse.siuss.demo import seed_siuss_demo

        delivered = sum(deliver_demo_cases(username=f"{c}.assistente_sociale") for c in OPERATOR_COMUNI.values())
        slug = OPERATOR_COMUNI[siuss_ente.comune.codice_istat]
        worker = get_user_model().objects.get(username=f"{slug}.responsabile")
        self.stdout.write(seed_siuss_demo(siuss_ente, worker=worker, erogatore=DEMO_EROGATORE))
        relay_outbox(batch_size=100_000)  # everything the seed wrote through the services reaches the region
        if delivered:
            year = timezone.localdate().year
            derive_siuss_prestazioni(year)
            derive_sioss_leps_counts(year)
            self.stdout.write(f"Prestazioni dimostrative erogate e inviate alla Regione: {delivered}")

    def _scadenze(self) -> None:
        """Deadlines due today, overdue and this week for the demo case managers (their "Oggi" page)."""
        from cse.demo.scadenze import seed_scadenze

        made = sum(seed_scadenze(username=f"{c}.assistente_sociale") for c in OPERATOR_COMUNI.values())
        if made:
            self.stdout.write(f"Scadenze dimostrative per i case manager: {made}")

    def _portal(self, enti_comuni: dict[str, Ente], ente_ambito: Ente):
        """Citizen portal: pages, front-office agendas of the demo comuni, and the citizen the SPID/CIE simulator
        logs in, registered as a resident of the first demo comune (cse/cittadino/demo.py)."""
        from cse.cittadino.demo import seed_portal

        home = enti_comuni[next(iter(OPERATOR_COMUNI))]
        identity = self._simulator_citizen(home)
        return seed_portal(
            enti_comuni=[enti_comuni[i] for i in OPERATOR_COMUNI], ente_ambito=ente_ambito, citizen=identity
        )

    def _bandi(self, enti_comuni: dict[str, Ente], citizen) -> None:
        """One open bando of the first demo comune with domande at every step, and a past round with payments
        (cse/demo/bandi.py); the paid instalment's prestazione is relayed to the region and the year derived again."""
        from cse.cartella.relay import relay_outbox
        from cse.demo.bandi import seed_bandi
        from cse.regionale.derivations import derive_siuss_prestazioni

        home = enti_comuni[next(iter(OPERATOR_COMUNI))]
        self.stdout.write(seed_bandi(home, getattr(citizen, "user", None)))
        relay_outbox(batch_size=100_000)
        derive_siuss_prestazioni(timezone.localdate().year)

    def _compartecipazione(self, enti_comuni: dict[str, Ente], citizen) -> None:
        """The first demo comune's home-care tariff, two months computed and their pagoPA notices
        (cse/demo/compartecipazione.py)."""
        from cse.demo.compartecipazione import seed_compartecipazione

        home = enti_comuni[next(iter(OPERATOR_COMUNI))]
        self.stdout.write(seed_compartecipazione(home, getattr(citizen, "codice_fiscale", "")))

    def _consensi(self, enti_comuni: dict[str, Ente], citizen) -> None:
        """Informativa and consents of the demo citizen and of some people of the first demo comune, one case shared
        with a third-sector cooperative on consent (cse/demo/consensi.py)."""
        from cse.demo.consensi import seed_consensi

        home = enti_comuni[next(iter(OPERATOR_COMUNI))]
        self.stdout.write(seed_consensi(home, getattr(citizen, "codice_fiscale", "")))
    def _doppione(self, enti_comuni: dict[str, Ente]) -> None:
        """A possible duplicate pair in the first demo comune (cse/demo/doppioni.py)."""
        from cse.demo.doppioni import seed_doppione

        self.stdout.write(seed_doppione(enti_comuni[next(iter(OPERATOR_COMUNI))]))

    def _simulator_citizen(self, home: Ente) -> dict[str, str]:
        """The SPID/CIE simulator's person, known to the comune's register (so the portal knows where she lives)."""
        from interop.simulators.oidc import DEMO_CITIZEN

        cf = DEMO_CITIZEN["https://attributes.eid.gov.it/fiscal_number"].removeprefix("TINIT-")
        nome, cognome = DEMO_CITIZEN["given_name"], DEMO_CITIZEN["family_name"]
        if not Assistito.objects.filter(owner_ente=home, codice_fiscale=cf).exists():
            person = Assistito(
                owner_ente=home,
                codice_fiscale=cf,
                cognome=cognome,
                nome=nome,
                sesso="F",
                data_nascita=date(1985, 3, 12),
                luogo_nascita=home.comune.codice_catastale,
                comune_residenza=home.comune,
            )
            person.fill_search_keys()
            person.save()
        return {"codice_fiscale": cf, "nome": nome, "cognome": cognome, "email": DEMO_CITIZEN["email"]}

    def _transfer_one_case(self, enti_comuni: dict[str, Ente], ente_ambito: Ente) -> None:
        """Through the transfer workflow: Molfetta asks, the Ufficio di Piano accepts; Giovinazzo's request waits."""
        from cse.cartella.actions.trasferimento import trasferimento_accept, trasferimento_request

        if Cartella.objects.filter(owner_ente=ente_ambito).exists():
            return
        cartella = Cartella.objects.filter(owner_ente=enti_comuni["072029"]).order_by("pk").first()
        if cartella is None:
            return
        case_manager = Operatore.objects.get(user__username="molfetta.assistente_sociale").user
        udp = Operatore.objects.get(user__username=f"{OPERATOR_AMBITO[1]}.ufficio_di_piano").user
        richiesta = trasferimento_request(
            cartella=cartella, motivo="Caso complesso: serve la valutazione UVM con l'ASL", by=case_manager
        )
        trasferimento_accept(richiesta=richiesta, by=udp)
        pending = Cartella.objects.filter(owner_ente=enti_comuni["072022"]).order_by("pk").first()
        if pending is not None:
            trasferimento_request(
                cartella=pending,
                motivo="Persona con disabilità grave, genitori anziani: progetto Dopo di Noi",
                by=Operatore.objects.get(user__username="giovinazzo.assistente_sociale").user,
            )
        self._ambito_workspace(ente_ambito, Cartella.objects.get(pk=cartella.pk))

    def _approvals(self, enti_comuni: dict[str, Ente]) -> None:
        """The recommended four-eyes rules in the demo comuni (docs/approvazioni.md), and one transfer request of
        Molfetta's case manager waiting for the approval of Molfetta's responsabile."""
        from django.core.exceptions import ValidationError

        from cse.cartella.actions.approvazioni import regole_default, trasferimento_o_richiesta
        from cse.cartella.glossary import StatoCartella
        from cse.cartella.models import RegolaApprovazione, RichiestaApprovazione

        for istat, slug in OPERATOR_COMUNI.items():
            if not RegolaApprovazione.objects.filter(ente=enti_comuni[istat]).exists():
                admin = Operatore.objects.get(user__username=f"{slug}.amministratore_ente").user
                regole_default(ente=enti_comuni[istat], by=admin)
        if RichiestaApprovazione.objects.exists():
            return
        case_manager = Operatore.objects.get(user__username="molfetta.assistente_sociale").user
        candidates = Cartella.objects.filter(owner_ente=enti_comuni["072029"], trasferimenti__isnull=True).exclude(
            stato=StatoCartella.CHIUSA
        )
        for cartella in candidates.order_by("pk")[:20]:
            try:
                trasferimento_o_richiesta(
                    cartella=cartella, motivo="Anziana sola non autosufficiente: serve la UVM", by=case_manager
                )
            except ValidationError:
                continue  # e.g. resident outside the ambito: the next case
            return

    def _ambito_workspace(self, ente_ambito: Ente, cartella: Cartella) -> None:
        """Budget lines, services with providers and a waiting list, a UVM session with an external ASL member."""
        from datetime import timedelta
        from decimal import Decimal

        from django.contrib.auth import get_user_model

        from cse.ambito import services
        from cse.ambito.glossary import VOCE_DEL_SERVIZIO, TipoServizio
        from cse.ambito.models import Erogatore, ServizioAmbito
        from cse.cartella.fasi import VoceNomenclatore

        udp = Operatore.objects.get(user__username=f"{OPERATOR_AMBITO[1]}.ufficio_di_piano").user
        coordinatore = Operatore.objects.get(user__username=f"{OPERATOR_AMBITO[1]}.coordinatore_uvm").user
        year = timezone.localdate().year
        lines = {}
        for fonte, intervento, amount in [
            ("fnps", "Servizio di assistenza domiciliare", "180000"),
            ("fna", "Assistenza domiciliare integrata (componente sociale)", "240000"),
            ("poverta", "Pronto intervento sociale e residenza fittizia", "95000"),
            ("dopo_di_noi", "Dopo di Noi — soluzioni abitative", "120000"),
            ("pn_inclusione", "Centri diurni", "150000"),
            ("pnrr", "Vita indipendente (PNRR M5C2 1.2)", "210000"),
            ("regionale", "Centri diurni — quota regionale", "60000"),
            ("comunale", "Cofinanziamento comunale", "45000"),
        ]:
            lines[fonte] = services.budget_line_create(
                ambito=ente_ambito,
                anno=year,
                fonte=fonte,
                intervento_pdz=intervento,
                programmato=Decimal(amount),
                by=udp,
            )
        providers = [
            Erogatore.objects.create(ambito=ente_ambito, denominazione=name)
            for name in ("Cooperativa sociale Il Faro (sintetica)", "ASP Casa del Sole (sintetica)")
        ]
        service_lines = {
            TipoServizio.SAD: "fnps",
            TipoServizio.ADI_SOCIALE: "fna",
            TipoServizio.CENTRO_DIURNO: "pn_inclusione",
            TipoServizio.PRONTO_INTERVENTO: "poverta",
            TipoServizio.RESIDENZA_FITTIZIA: "poverta",
            TipoServizio.DOPO_DI_NOI: "dopo_di_noi",
            TipoServizio.VITA_INDIPENDENTE: "pnrr",
        }
        for tipo, fonte in service_lines.items():
            servizio = ServizioAmbito.objects.create(
                ambito=ente_ambito,
                tipo=tipo,
                nome=TipoServizio(tipo).label,
                capacita=20,
                voce=VoceNomenclatore.objects.filter(codice=VOCE_DEL_SERVIZIO[tipo]).order_by("-valido_dal").first(),
                linea_budget=lines[fonte],
            )
            servizio.erogatori.set(providers)
            if tipo == TipoServizio.SAD:
                services.servizio_waitlist_add(
                    servizio=servizio, cartella=cartella, priorita=2, motivazione="Esito UVM atteso", by=udp
                )
        asl, created = get_user_model().objects.get_or_create(
            username="asl.geriatra", defaults={"first_name": "Elena", "last_name": "Marzano (ASL, sintetica)"}
        )
        if created:
            asl.set_password(DEMO_PASSWORD)
            asl.save()
        sessione = services.uvm_convene(
            cartella=cartella,
            by=coordinatore,
            data=timezone.now(),  # in progress: the coordinator can take attendance and record scales right away
            luogo="Sede dell'Ufficio di Piano, Molfetta",
            ordine_del_giorno="Valutazione multidimensionale e progetto personalizzato",
        )
        services.uvm_member_add(
            sessione=sessione,
            by=coordinatore,
            tipo="asl",
            user=asl,
            qualifica="Geriatra, ASL BA — Distretto 1",
            accesso_fino_al=timezone.now() + timedelta(days=30),
        )
        case_manager = Operatore.objects.get(user__username="molfetta.assistente_sociale").user
        services.uvm_member_add(sessione=sessione, by=coordinatore, tipo="operatore_comune", user=case_manager)
        services.uvm_member_add(sessione=sessione, by=coordinatore, tipo="familiare", nome="Figlia (caregiver)")
        services.uvm_scale_record(
            sessione=sessione,
            scala="katz_adl",
            risposte={"bagno": "0", "vestirsi": "1", "toilette": "1", "spostamenti": "1"}
            | {"continenza": "1", "alimentazione": "1"},
            by=coordinatore,
        )
        self.stdout.write(
            "Ambito BA01: 1 cartella trasferita, 1 richiesta in attesa, 1 sessione UVM (membro esterno asl.geriatra), "
            f"{len(service_lines)} servizi, {len(lines)} linee di budget"
        )
