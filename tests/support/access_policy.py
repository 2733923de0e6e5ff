"""Who may enter each route of the product: the policy the authorization crawl (test_authorization_crawl.py) checks.

It lives with the tests on purpose: enforcement stays in one place (the views and the permission layer of
cse/core/permissions.py); this file is the independent statement of what that enforcement must produce, so a view
that forgets its check, or a new route nobody classified, fails the build instead of silently opening.

Rules:
- "public": anyone, logged in or not (citizen portal, login pages, Wagtail's public page serving).
- "citizen": a logged-in citizen (SPID/CIE); anyone else is sent to the citizen login.
- "operator": any staff account; what the page lists is scoped by the permission layer (proved for the people
  list by test_isolation_matrix.py). Anonymous → operator login; citizens → 404 (they never see the operator shell).
- "operator:<capability>": an operator holding that capability in some ente; other operators and citizens → 404
  (the project's convention: no hint that the page exists), anonymous → operator login.
- "analyst": "operator:view_regional_data" (the regional tier).
- "superuser": Django admin (/gestione/); everybody else → the admin's own login.
- "wagtail-admin": Wagtail's admin (/cms/), for the portal's editors (redattore_portale); finer page permissions
  are Wagtail's, tested in tests/cittadino/test_cms_editors.py. Everybody else → Wagtail's login.
- "voucher": the SIUSS WaaS e-service; a PDND voucher for this ente's audience, sessions count for nothing (401).
A rule may differ by method: {"GET": rule, "POST": rule}.
"""

from __future__ import annotations

OPERATOR = "operator"
ANALYST = "analyst"


def cap(capability: str) -> str:
    return f"operator:{capability}"


URL_POLICY: dict[str, str | dict[str, str]] = {
    # operator shell (cse/core)
    "salute": "public",  # readiness probe: component states only
    "home": OPERATOR,
    "oggi": OPERATOR,  # every operator's day; what it lists is scoped by the permission layer
    "oggi_riepilogo": OPERATOR,  # the operator's own digest preference
    "login": "public",
    "logout": "public",
    "otp_verify": OPERATOR,
    "otp_setup": OPERATOR,
    "reauth": OPERATOR,  # "Conferma la tua password" before exports and transfers
    "ente_operatori": cap("manage_operators"),
    "incarico_revoca": cap("manage_operators"),
    "codice_attivazione_emetti": cap("manage_operators"),
    "ente_accessi": cap("view_audit"),
    "ente_storico": cap("view_audit"),
    "ente_accessi_csv": cap("view_audit"),
    "ente_sistemi": cap("view_audit"),
    "ente_chiamate_csv": cap("view_audit"),
    # break-the-glass (for operators who work with people) and its review by the owning ente's responsible
    "accesso_emergenza": cap("view_persone"),
    "vigilanza": cap("view_audit"),
    "accesso_emergenza_revisione": cap("view_audit"),
    "segnalazione_chiusura": cap("view_audit"),
    # approvals (four eyes): requests for operators who work with people; the rules for the ente's administrator
    "approvazioni": cap("view_persone"),
    "approvazione": cap("view_persone"),
    "ente_approvazioni": cap("manage_operators"),
    # comune workspace (cse/locale)
    "locale:assistiti_list": OPERATOR,
    "locale:assistito_create": cap("register_persone"),
    # the registration form's helpers while typing: place suggestions, what the CF says, «già registrata»
    "locale:luoghi_suggeriti": cap("register_persone"),
    "locale:dal_codice_fiscale": cap("register_persone"),
    "locale:gia_registrata": cap("register_persone"),
    "locale:assistito_detail": cap("view_persone"),
    "locale:sistemi_regionali": cap("view_persone"),
    "locale:cartella_nuova": cap("register_persone"),
    "locale:assistito_edit": cap("register_persone"),
    "locale:isee_nuovo": cap("register_persone"),
    "locale:relazione_nuova": cap("register_persone"),
    "locale:contatto_nuovo": cap("register_persone"),
    "locale:unione": cap("register_persone"),
    # informativa and consents on the person page (who may change the person's record)
    "locale:informativa_nuova": cap("register_persone"),
    "locale:consenso_nuovo": cap("register_persone"),
    "locale:consenso_revoca": cap("register_persone"),
    "locale:doppioni": cap("register_persone"),
    "locale:doppione_confronto": cap("register_persone"),
    "locale:annulla_unione": cap("register_persone"),
    "locale:lavoro": OPERATOR,
    "locale:cartella_detail": cap("view_persone"),
    "locale:accesso": cap("manage_cartelle"),
    "locale:valutazione": cap("manage_cartelle"),
    "locale:progetto": cap("manage_cartelle"),
    "locale:chiusura": cap("manage_cartelle"),
    "locale:transizione": cap("manage_cartelle"),
    "locale:case_manager": cap("manage_cartelle"),
    "locale:condivisione": cap("manage_cartelle"),  # sharing the case, with its legal basis
    "locale:riapertura": cap("manage_cartelle"),
    "locale:intervento_nuovo": cap("manage_cartelle"),
    "locale:prestazione_nuova": cap("manage_cartelle"),
    "locale:prestazione_fine": cap("manage_cartelle"),
    "locale:diario": cap("view_persone"),
    "locale:diario_oscura": cap("manage_cartelle"),
    "locale:documenti": cap("view_persone"),
    "locale:documento": cap("view_persone"),
    "locale:documento_oscura": cap("manage_cartelle"),
    "locale:pdf": cap("view_persone"),
    # deadlines: whoever writes in the case (register_persone or manage_cartelle, checked by the view on the case);
    # every such role holds view_persone, and a role without it is refused
    "locale:scadenza_nuova": cap("view_persone"),
    "locale:scadenza_chiusura": cap("view_persone"),
    "locale:trasferimento": cap("transfer_cartelle"),
    "locale:agenda": OPERATOR,
    "locale:agenda_sportello": cap("manage_agenda"),
    "locale:prenotazione": cap("manage_agenda"),
    "locale:prenotazione_assente": cap("manage_agenda"),
    "locale:prenotazione_cartella": cap("register_persone"),
    # the front office's own agenda rules
    **{
        f"locale:{name}": cap("manage_agenda")
        for name in (
            "agenda_regole",
            "agenda_impostazioni",
            "agenda_regola_nuova",
            "agenda_chiusura_nuova",
            "agenda_festa_patronale",
            "agenda_apertura_nuova",
            "agenda_regola",
            "agenda_regola_elimina",
            "agenda_chiusura",
            "agenda_chiusura_elimina",
            "agenda_apertura",
            "agenda_apertura_elimina",
        )
    },
    # ambito workspace (cse/ambito)
    "ambito:cartelle_list": OPERATOR,
    "ambito:cartella_detail": cap("view_persone"),
    "ambito:uvm_nuova": cap("manage_uvm"),
    "ambito:trasferimenti": OPERATOR,
    "ambito:trasferimento": cap("accept_transfers"),
    "ambito:uvm_list": OPERATOR,
    "ambito:uvm": cap("view_persone"),
    "ambito:uvm_membro": cap("manage_uvm"),
    "ambito:uvm_verbale": cap("manage_uvm"),
    "ambito:uvm_scala": cap("manage_uvm"),
    "ambito:uvm_progetto": cap("manage_uvm"),
    "ambito:uvm_chiusura": cap("manage_uvm"),
    "ambito:uvm_pdf": cap("view_persone"),
    "ambito:uvm_presenza": cap("manage_uvm"),
    "ambito:servizi": OPERATOR,
    "ambito:servizio": cap("view_persone"),
    "ambito:domanda_assegna": cap("manage_piano"),
    "ambito:budget": {"GET": OPERATOR, "POST": cap("manage_piano")},
    "ambito:budget_import": cap("manage_piano"),
    # bandi (cse/bandi): operators of comune and ambito; managing a bando needs manage_bandi, the rest istruttoria_bandi
    # (every role holding manage_bandi also holds istruttoria_bandi)
    "bandi:bandi_list": cap("istruttoria_bandi"),
    "bandi:bando_nuovo": cap("manage_bandi"),
    "bandi:bando": cap("istruttoria_bandi"),
    "bandi:bando_pubblica": cap("manage_bandi"),
    "bandi:bando_chiudi": cap("manage_bandi"),
    "bandi:bando_rettifica": cap("manage_bandi"),
    "bandi:domande": cap("istruttoria_bandi"),
    "bandi:domanda_sportello": cap("istruttoria_bandi"),
    "bandi:graduatoria": cap("istruttoria_bandi"),
    "bandi:graduatoria_csv": cap("istruttoria_bandi"),
    "bandi:domanda": cap("istruttoria_bandi"),
    "bandi:domanda_azione": cap("istruttoria_bandi"),
    "bandi:allegato": cap("istruttoria_bandi"),
    # liquidazione: who instructs sees the beneficiaries and the bando's money; paying and revoking is the manager's
    "bandi:beneficiari": cap("istruttoria_bandi"),
    "bandi:liquidazione": cap("manage_bandi"),
    "ambito:budget_bandi": cap("manage_piano"),
    # provvedimenti: reached by who instructs the bando's domande; approving is refused by the action (four eyes,
    # approve_provvedimenti) with a message on the page
    "bandi:provvedimenti": cap("istruttoria_bandi"),
    "bandi:provvedimento": cap("istruttoria_bandi"),
    "bandi:provvedimento_azione": cap("istruttoria_bandi"),
    "bandi:provvedimento_pdf": cap("istruttoria_bandi"),
    "bandi:notifiche": cap("istruttoria_bandi"),
    "bandi:lettere": cap("istruttoria_bandi"),
    "bandi:lettere_pdf": cap("istruttoria_bandi"),
    # compartecipazione (cse/compartecipazione): operators of comune and ambito holding manage_compartecipazione
    **{
        f"compartecipazione:{name}": cap("manage_compartecipazione")
        for name in (
            "elenco",
            "ente",
            "tariffa_nuova",
            "calcola",
            "emetti",
            "riconcilia",
            "arretrati",
            "arretrati_csv",
            "compartecipazione",
            "annulla",
            "avviso_pdf",
            "avviso_riaccoda",
            "residuo",
            "rimborsi",
            "rimborso",
        )
    },
    # regional tier
    "regionale:cruscotto": ANALYST,
    "regionale:completezza": ANALYST,
    "regionale:sioss": ANALYST,
    "regionale:sioss_ricalcola": ANALYST,
    "regionale:sioss_import_a4": ANALYST,
    "regionale:scheda": ANALYST,
    "regionale:scheda_finalizza": ANALYST,
    "regionale:scheda_riapri": ANALYST,
    "regionale:scheda_valore": ANALYST,
    "regionale:dss": ANALYST,
    "regionale:dss_invio": ANALYST,  # POST only, behind the re-auth like the exports
    # SIUSS: the WaaS e-service (INPS, PDND voucher) and the operators' pages
    "siuss:waas_flussi": "voucher",
    "siuss:waas_esiti": "voucher",
    "siuss:waas_status": "public",
    "siuss:dashboard": cap("transmit_siuss"),
    "siuss:dashboard_csv": cap("transmit_siuss"),
    "siuss:correzione": cap("transmit_siuss"),
    "siuss:dati_prestazione": cap("manage_cartelle"),
    "siuss:sinba": cap("manage_cartelle"),
    "siuss:sina": cap("manage_cartelle"),
    # citizen portal: booking codes and e-mail tokens are the key (the isolation matrix proves them)
    "cittadino:prenota": "public",
    "cittadino:conferma": "public",
    "cittadino:ricevuta": "public",
    "cittadino:ricevuta_pdf": "public",
    "cittadino:ricevuta_ics": "public",
    "cittadino:annulla": "public",
    "cittadino:sposta": "public",
    "cittadino:accesso": "public",
    "cittadino:accesso_prova": "public",
    "cittadino:uscita": "public",
    "cittadino:area_personale": "citizen",
    "cittadino:chi_ha_consultato": "citizen",
    "cittadino:chi_ha_consultato_csv": "citizen",
    # bandi e contributi: the published notices and rankings are public; «Le mie domande» needs the citizen login
    "cittadino:bandi": "public",
    "cittadino:bando": "public",
    "cittadino:bando_graduatoria": "public",
    "cittadino:domande": "citizen",
    # keyed by the citizen's own domanda: anonymous → citizen login, anyone else's (operators included) → 404, as
    # for one that does not exist (the isolation matrix proves it, as for booking codes)
    "cittadino:domanda_nuova": "public",
    "cittadino:domanda": "public",
    "cittadino:domanda_pdf": "public",
    "cittadino:domanda_iban": "public",
    "cittadino:domanda_provvedimento_pdf": "public",
    # «I miei pagamenti»: the list needs the citizen login; a notice is keyed by the citizen's own charge (anyone
    # else's, operators included → 404, proved by the isolation matrix)
    "cittadino:pagamenti": "citizen",
    "cittadino:pagamento_pdf": "public",
    # «I miei consensi»: the list and giving need the citizen login; a revocation is keyed by the citizen's own
    # consent (anyone else's, operators included → 404, proved by the isolation matrix)
    "cittadino:consensi": "citizen",
    "cittadino:consenso_dai": "citizen",
    "cittadino:consenso_revoca": "public",
    # SPID/CIE OpenID Connect: the start and the provider's callback (404 unless CSE_CITIZEN_LOGIN="oidc")
    "cittadino:oidc_start": "public",
    "cittadino:oidc_callback": "public",
    # Wagtail's public side: page serving (page privacy is Wagtail's), documents, password forms
    "wagtail_serve": "public",
    "wagtaildocs_serve": "public",
    "wagtaildocs_authenticate_with_password": "public",
    "wagtailcore_authenticate_with_password": "public",
    "wagtailcore_login": "public",
}

# The public doors of the frameworks' admins (their own login, logout, password reset and static helpers).
URL_POLICY |= {
    name: "public"
    for name in (
        "admin:login",
        "admin:logout",
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    )
}

# Whole URL trees owned by a framework's admin, classified by their mount point (a name above takes precedence).
PREFIX_POLICY: dict[str, str] = {"gestione/": "superuser", "cms/": "wagtail-admin"}

# Websocket routes (cse/routing.py), by route string.
WEBSOCKET_POLICY: dict[str, str] = {
    "ws/uvm/<int:pk>/": "uvm-board",  # viewers of the session: view_persone in its ambito, or an unexpired member
    "ws/agenda/<int:sportello_id>/": cap("manage_agenda"),  # in the front office's comune
    "ws/scadenze/": cap("view_persone"),  # the operator's own deadline counter: whoever works on cases, anywhere
}

# Operations of the WaaS e-service's OpenAPI document (cse/siuss/specs/api-comuni.yaml).
API_POLICY: dict[tuple[str, str], str] = {
    ("get", "/flussi"): "voucher",
    ("post", "/esiti"): "voucher",
    ("get", "/status"): "public",
}

# Server errors the crawl meets inside Wagtail's admin, for its editors only; not ours to fix, reported upstream-style.
FRAMEWORK_ERRORS: dict[str, str] = {
    "wagtailadmin_error_test": "Wagtail's deliberate 'emergency broadcast' error view (tests error reporting)",
    "wagtailadmin_choose_page_external_link": "Wagtail 8: an empty POST to the external-link chooser raises "
    "AttributeError in is_absolute_path (a bad request answered 500)",
}
