"""The isolation rule of every id-taking route and the objects each role must never reach (the isolation matrix and
the authorization crawl both walk them)."""

from __future__ import annotations

from datetime import date, time

from cse.ambito.models import MembroUVM
from cse.cartella.actions.consensi import consenso_give
from cse.cartella.consensi import Consenso
from cse.cartella.fasi import Documento, Prestazione, VoceDiario
from cse.cartella.models import Scadenza
from cse.cittadino.agenda import AperturaStraordinaria, Chiusura, Prenotazione, RegolaOrario, Sportello
from cse.core.models import Incarico
from cse.regionale.models import SchedaLeps
from tests.support.bandi_matrix import foreign_bandi
from tests.support.compartecipazione_matrix import foreign_compartecipazione
from tests.support.routes import walk

# Every URL pattern taking an object id must be classified here; a new one without a rule fails the build.
OBJECT_URLS = {
    "locale:assistito_detail": "assistito",
    "locale:sistemi_regionali": "assistito",
    "locale:cartella_nuova": "assistito",
    "locale:assistito_edit": "assistito",
    "locale:isee_nuovo": "assistito",
    "locale:relazione_nuova": "assistito",
    "locale:contatto_nuovo": "assistito",
    "locale:unione": "assistito",
    "locale:informativa_nuova": "assistito",
    "locale:consenso_nuovo": "assistito",
    "locale:consenso_revoca": "assistito",
    "locale:doppione_confronto": "assistito",
    "locale:annulla_unione": "assistito",
    "locale:cartella_detail": "cartella",
    "locale:accesso": "cartella",
    "locale:valutazione": "cartella",
    "locale:progetto": "cartella",
    "locale:chiusura": "cartella",
    "locale:transizione": "cartella",
    "locale:case_manager": "cartella",
    "locale:condivisione": "cartella",
    "locale:riapertura": "cartella",
    "locale:intervento_nuovo": "cartella",
    "locale:prestazione_nuova": "cartella",
    "locale:prestazione_fine": "prestazione",
    "locale:diario": "cartella",
    "locale:diario_oscura": "voce_diario",
    "locale:documenti": "cartella",
    "locale:documento": "documento",
    "locale:documento_oscura": "documento",
    "locale:pdf": "cartella",
    "locale:scadenza_nuova": "cartella",
    "locale:scadenza_chiusura": "scadenza",
    "ambito:cartella_detail": "cartella",
    "ente_operatori": "ente",
    "ente_accessi": "ente",
    "ente_accessi_csv": "ente",
    "ente_storico": "ente",
    "ente_sistemi": "ente",
    "ente_chiamate_csv": "ente",
    "incarico_revoca": "incarico",
    "codice_attivazione_emetti": "incarico",
    "regionale:scheda": "scheda_leps",
    "regionale:scheda_finalizza": "scheda_leps",
    "regionale:scheda_riapri": "scheda_leps",
    "regionale:scheda_valore": "scheda_leps",
    # ambito workspace
    "locale:trasferimento": "cartella",
    "ambito:uvm_nuova": "cartella",
    "ambito:trasferimento": "trasferimento",
    "ambito:uvm": "sessione",
    "ambito:uvm_membro": "sessione",
    "ambito:uvm_verbale": "sessione",
    "ambito:uvm_scala": "sessione",
    "ambito:uvm_progetto": "sessione",
    "ambito:uvm_chiusura": "sessione",
    "ambito:uvm_pdf": "sessione",
    "ambito:uvm_presenza": "membro_uvm",
    "ambito:servizio": "servizio",
    "ambito:domanda_assegna": "domanda",
    "siuss:dashboard": "ente",
    "siuss:dashboard_csv": "ente",
    "siuss:correzione": "ente",
    "siuss:dati_prestazione": "prestazione",
    "siuss:sinba": "cartella",
    "siuss:sina": "cartella",
    "siuss:waas_flussi": "ente_codice",
    "siuss:waas_esiti": "ente_codice",
    "siuss:waas_status": "ente_codice",
    # front-office agenda
    "locale:agenda_sportello": "sportello",
    "locale:prenotazione": "prenotazione",
    "locale:prenotazione_assente": "prenotazione",
    "locale:prenotazione_cartella": "prenotazione",
    # the office's own agenda rules (settings, weekly hours, closures, extra openings)
    "locale:agenda_regole": "sportello",
    "locale:agenda_impostazioni": "sportello",
    "locale:agenda_regola_nuova": "sportello",
    "locale:agenda_chiusura_nuova": "sportello",
    "locale:agenda_festa_patronale": "sportello",
    "locale:agenda_apertura_nuova": "sportello",
    "locale:agenda_regola": "regola_orario",
    "locale:agenda_regola_elimina": "regola_orario",
    "locale:agenda_chiusura": "chiusura_agenda",
    "locale:agenda_chiusura_elimina": "chiusura_agenda",
    "locale:agenda_apertura": "apertura_straordinaria",
    "locale:agenda_apertura_elimina": "apertura_straordinaria",
    # citizen URLs keyed by booking code or e-mail token: never another person's booking
    "cittadino:ricevuta": "prenotazione_codice",
    "cittadino:ricevuta_pdf": "prenotazione_codice",
    "cittadino:ricevuta_ics": "prenotazione_codice",
    "cittadino:annulla": "prenotazione_codice",
    "cittadino:sposta": "prenotazione_codice",
    "cittadino:conferma": "token",
    # bandi: an operator reaches the bandi, domande and attachments of their own enti only
    **{
        f"bandi:{name}": "bando"
        for name in (
            "bando",
            "bando_pubblica",
            "bando_chiudi",
            "bando_rettifica",
            "domande",
            "graduatoria",
            "graduatoria_csv",
            "domanda_sportello",
            "beneficiari",
        )
    },
    "bandi:domanda": "domanda_bando",
    "bandi:domanda_azione": "domanda_bando",
    "bandi:allegato": "allegato_bando",
    "bandi:liquidazione": "domanda_bando",
    **{
        f"bandi:{name}": "provvedimento"
        for name in (
            "provvedimento",
            "provvedimento_azione",
            "provvedimento_pdf",
            "notifiche",
            "lettere",
            "lettere_pdf",
        )
    },
    "bandi:provvedimenti": "bando",
    # the portal shows published bandi only; a citizen's domanda is theirs alone (operators are nobody's citizen)
    "cittadino:bando": "bando_non_pubblicato",
    "cittadino:bando_graduatoria": "bando_non_pubblicato",
    "cittadino:domanda_nuova": "bando_non_pubblicato",
    "cittadino:domanda": "domanda_cittadino",
    "cittadino:domanda_pdf": "domanda_cittadino",
    "cittadino:domanda_iban": "domanda_cittadino",
    "cittadino:domanda_provvedimento_pdf": "domanda_cittadino",
    # compartecipazione: an operator reaches the enti, charges and notices of their own enti only; a citizen's notice
    # is theirs alone (operators are nobody's citizen)
    **{
        f"compartecipazione:{name}": "ente"
        for name in (
            "ente",
            "tariffa_nuova",
            "calcola",
            "emetti",
            "riconcilia",
            "arretrati",
            "arretrati_csv",
            "rimborsi",
        )
    },
    "compartecipazione:compartecipazione": "compartecipazione",
    "compartecipazione:annulla": "compartecipazione",
    "compartecipazione:residuo": "compartecipazione",
    "compartecipazione:rimborso": "rimborso",
    "compartecipazione:avviso_pdf": "avviso_pagopa",
    "compartecipazione:avviso_riaccoda": "avviso_pagopa",
    "cittadino:pagamento_pdf": "avviso_cittadino",
    "cittadino:consenso_revoca": "consenso_cittadino",
    # break-the-glass review: only the owning ente's responsabile / administrator
    "accesso_emergenza_revisione": "accesso_emergenza",
    "segnalazione_chiusura": "segnalazione",
    # approvals: a request is its ente's (approvers with the role there, and its requester)
    "approvazione": "richiesta_approvazione",
    "ente_approvazioni": "ente",
}
# URL keyword per kind (default "pk") and the value used as "does not exist"; the WaaS e-service is addressed by
# the ente's code.
KIND_KWARG = {
    "prenotazione_codice": ("codice", "ZZZZZZZZ"),
    "token": ("token", "non-valido"),
    "ente_codice": ("codice", "99999999"),
}
# The WaaS e-service answers operators' sessions 401 (voucher only; 405 for a wrong method); /status is public.
ABSENT_STATUS = {"siuss:waas_flussi": (401, 405), "siuss:waas_esiti": (401, 405), "siuss:waas_status": (200, 405)}
# Wagtail's own admin and document serving: guarded by Wagtail page/collection permissions, tested in
# tests/cittadino/test_cms_editors.py.
WAGTAIL_PREFIXES = ("cms/", "documenti-cms/")
WAGTAIL_NAMES = {"wagtailcore_authenticate_with_password"}  # Wagtail's page-privacy password form (public pages)
SUPERUSER_ONLY_NAMESPACES = {"admin"}
EXTRA_KWARGS = {"locale:pdf": {"kind": "riepilogo"}, "ambito:uvm_scala": {"scala": "katz_adl"}}


def id_taking_urls():
    for name, pattern in walk(named_only=False):
        if (
            pattern.pattern.converters
            and name.split(":")[0] not in SUPERUSER_ONLY_NAMESPACES
            and name not in WAGTAIL_NAMES
        ):
            yield name


def foreign_objects(territory, ente_key: str, ruolo: str, user) -> dict[str, list[int]]:
    """Objects this user has no business with: other enti's people, cases, enti and incarichi."""
    visible_cartelle = {c.pk for k, c in territory.cartelle.items() if k == ente_key}
    if (ente_key, "assistente_sociale") in territory.users and territory.user(ente_key, "assistente_sociale") == user:
        visible_cartelle |= {territory.cartelle["AMB_A"].pk} if ente_key == "A1" else set()
    visible_assistiti = {territory.assistiti[ente_key].pk} if ente_key in territory.assistiti else set()
    if ente_key == "AMB_A" or territory.cartelle["AMB_A"].pk in visible_cartelle:
        visible_assistiti.add(territory.assistiti["A1"].pk)
    foreign_cartelle = [c.pk for c in territory.cartelle.values() if c.pk not in visible_cartelle]
    return {
        "assistito": [a.pk for a in territory.assistiti.values() if a.pk not in visible_assistiti],
        "cartella": foreign_cartelle,
        "prestazione": list(Prestazione.objects.filter(cartella__in=foreign_cartelle).values_list("pk", flat=True)),
        "voce_diario": list(VoceDiario.objects.filter(cartella__in=foreign_cartelle).values_list("pk", flat=True)),
        "documento": list(Documento.objects.filter(cartella__in=foreign_cartelle).values_list("pk", flat=True)),
        "scadenza": list(Scadenza.objects.filter(cartella__in=foreign_cartelle).values_list("pk", flat=True)),
        "ente": [e.pk for k, e in territory.enti.items() if k != ente_key],
        "ente_codice": [e.codice for k, e in territory.enti.items() if k != ente_key],
        "incarico": list(Incarico.objects.exclude(ente=territory.enti[ente_key]).values_list("pk", flat=True)[:3]),
        # the regional tier's aggregates: analysts only
        "scheda_leps": [] if ente_key == "REG" and ruolo == "analista_regionale" else [_scheda_leps().pk],
        **_foreign_ambito_objects(territory, ente_key),
        "sportello": list(Sportello.objects.exclude(ente=territory.enti[ente_key]).values_list("pk", flat=True)),
        "prenotazione": list(
            Prenotazione.objects.exclude(slot__sportello__ente=territory.enti[ente_key]).values_list("pk", flat=True)
        ),
        **_foreign_agenda_rules(territory.enti[ente_key]),
        **foreign_bandi(territory, ente_key),
        **foreign_compartecipazione(territory, ente_key),
        # operators are nobody's citizen: every booking code is foreign to them, as are forged e-mail tokens
        "prenotazione_codice": list(Prenotazione.objects.values_list("codice", flat=True)),
        "token": [f"{codice}:forged" for codice in Prenotazione.objects.values_list("codice", flat=True)],
        # review rows belong to the ente reviewing them; the B1 operator who opened an access never sees its review
        "accesso_emergenza": [a.pk for k, a in territory.emergenze.items() if k != ente_key],
        "segnalazione": [s.pk for k, s in territory.segnalazioni.items() if k != ente_key],
        # operators are nobody's citizen: every consent is foreign to them in the citizen portal
        "consenso_cittadino": _every_consent(territory),
        "richiesta_approvazione": [r.pk for k, r in territory.approvazioni.items() if k != ente_key],
    }


def _every_consent(territory) -> list[int]:
    """One consent of the A1 person (given once per territory), so the portal's revocation route has a real id."""
    if not Consenso.objects.exists():
        consenso_give(
            assistito=territory.assistiti["A1"],
            finalita="email",
            canale="a_mano",
            by=territory.user("A1", "assistente_sociale"),
        )
    return list(Consenso.objects.values_list("pk", flat=True))


def _foreign_ambito_objects(territory, ente_key: str) -> dict[str, list[int]]:
    """Transfer requests, UVM sessions and members, services and waiting-list entries of other enti. The pending
    request A2 → AMB_A belongs to both A2 and AMB_A; everything of ambito A is foreign to its comuni too (the
    comune's équipe grant on a case does not make its operators UVM members)."""
    own = {ente_key}
    return {
        "trasferimento": [r.pk for k, r in territory.richieste.items() if not own & {k, "AMB_A"}],
        "sessione": [s.pk for k, s in territory.sessioni.items() if k not in own],
        "membro_uvm": list(
            MembroUVM.objects.filter(
                sessione__in=[s for k, s in territory.sessioni.items() if k not in own]
            ).values_list("pk", flat=True)
        ),
        "servizio": [s.pk for k, s in territory.servizi.items() if k not in own],
        "domanda": [d.pk for k, d in territory.domande.items() if k not in own],
    }


def _foreign_agenda_rules(ente) -> dict[str, list[int]]:
    """Weekly hours, closures and extra openings of other enti's offices. The territory has no closures or extra
    openings, so one of each is added per office, far beyond every horizon (no slot changes)."""
    far = date(2099, 1, 5)
    for sportello in Sportello.objects.all():
        Chiusura.objects.get_or_create(sportello=sportello, dal=far, al=far, defaults={"motivo": "matrice"})
        AperturaStraordinaria.objects.get_or_create(
            sportello=sportello, data=far, defaults={"ora_inizio": time(9), "ora_fine": time(10)}
        )
    return {
        kind: list(model.objects.exclude(sportello__ente=ente).values_list("pk", flat=True))
        for kind, model in (
            ("regola_orario", RegolaOrario),
            ("chiusura_agenda", Chiusura),
            ("apertura_straordinaria", AperturaStraordinaria),
        )
    }


def _scheda_leps():
    scheda, _ = SchedaLeps.objects.get_or_create(anno=2026, ambito="BA01", modulo="A1")
    return scheda
