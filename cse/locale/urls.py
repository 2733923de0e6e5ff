from django.urls import path

from . import views, views_cartella

app_name = "locale"
urlpatterns = [
    path("assistiti/", views.assistiti_list, name="assistiti_list"),
    path("assistiti/nuovo/", views.assistito_create, name="assistito_create"),
    path("assistiti/<int:pk>/", views.assistito_detail, name="assistito_detail"),
    path("assistiti/<int:pk>/sistemi-regionali/", views.assistito_sistemi_regionali, name="sistemi_regionali"),
    path("assistiti/<int:pk>/nuova-cartella/", views.cartella_nuova, name="cartella_nuova"),
    path("assistiti/<int:pk>/modifica/", views.assistito_edit, name="assistito_edit"),
    path("assistiti/<int:pk>/isee/", views.isee_new, name="isee_nuovo"),
    path("assistiti/<int:pk>/relazioni/", views.relazione_new, name="relazione_nuova"),
    path("assistiti/<int:pk>/contatti/", views.contatto_new, name="contatto_nuovo"),
    path("assistiti/<int:pk>/unione/", views.unione, name="unione"),
    path("lavoro/", views_cartella.lavoro, name="lavoro"),
    path("cartelle/<int:pk>/", views_cartella.cartella_detail, name="cartella_detail"),
    path("cartelle/<int:pk>/accesso/", views_cartella.phase_edit, {"record": "scheda_accesso"}, name="accesso"),
    path("cartelle/<int:pk>/valutazione/", views_cartella.phase_edit, {"record": "valutazione"}, name="valutazione"),
    path("cartelle/<int:pk>/progetto/", views_cartella.phase_edit, {"record": "progetto"}, name="progetto"),
    path("cartelle/<int:pk>/chiusura/", views_cartella.phase_edit, {"record": "chiusura"}, name="chiusura"),
    path("cartelle/<int:pk>/fase/", views_cartella.transition, name="transizione"),
    path("cartelle/<int:pk>/case-manager/", views_cartella.case_manager, name="case_manager"),
    path("cartelle/<int:pk>/riapertura/", views_cartella.reopen, name="riapertura"),
    path("cartelle/<int:pk>/interventi/nuovo/", views_cartella.intervento_new, name="intervento_nuovo"),
    path("cartelle/<int:pk>/prestazioni/nuova/", views_cartella.prestazione_new, name="prestazione_nuova"),
    path("prestazioni/<int:pk>/conclusione/", views_cartella.prestazione_end, name="prestazione_fine"),
    path("cartelle/<int:pk>/diario/", views_cartella.diario, name="diario"),
    path("diario/<int:pk>/oscuramento/", views_cartella.diario_obscure, name="diario_oscura"),
    path("cartelle/<int:pk>/documenti/", views_cartella.documenti, name="documenti"),
    path("documenti/<int:pk>/", views_cartella.documento_download, name="documento"),
    path("documenti/<int:pk>/oscuramento/", views_cartella.documento_obscure, name="documento_oscura"),
    path("cartelle/<int:pk>/pdf/<str:kind>/", views_cartella.cartella_pdf, name="pdf"),
    path("cartelle/<int:pk>/trasferimento/", views_cartella.trasferimento_richiesta, name="trasferimento"),
]

# Front-office agenda (issue 9)
from . import views_agenda  # noqa: E402

urlpatterns += [
    path("agenda/", views_agenda.agenda, name="agenda"),
    path("agenda/sportelli/<int:pk>/", views_agenda.agenda_sportello, name="agenda_sportello"),
    path("agenda/prenotazioni/<int:pk>/", views_agenda.prenotazione_detail, name="prenotazione"),
    path("agenda/prenotazioni/<int:pk>/assente/", views_agenda.prenotazione_assente, name="prenotazione_assente"),
    path("agenda/prenotazioni/<int:pk>/cartella/", views_agenda.prenotazione_cartella, name="prenotazione_cartella"),
]

# Front-office agenda rules, managed by the office's own operators
from . import views_agenda_regole  # noqa: E402

urlpatterns += [
    path("agenda/sportelli/<int:pk>/regole/", views_agenda_regole.regole, name="agenda_regole"),
    path(
        "agenda/sportelli/<int:pk>/regole/impostazioni/",
        views_agenda_regole.impostazioni,
        name="agenda_impostazioni",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/orari/nuovo/",
        views_agenda_regole.aggiungi,
        {"kind": "regola"},
        name="agenda_regola_nuova",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/chiusure/nuova/",
        views_agenda_regole.aggiungi,
        {"kind": "chiusura"},
        name="agenda_chiusura_nuova",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/aperture/nuova/",
        views_agenda_regole.aggiungi,
        {"kind": "apertura"},
        name="agenda_apertura_nuova",
    ),
    path("agenda/orari/<int:pk>/", views_agenda_regole.modifica, {"kind": "regola"}, name="agenda_regola"),
    path(
        "agenda/orari/<int:pk>/elimina/",
        views_agenda_regole.elimina,
        {"kind": "regola"},
        name="agenda_regola_elimina",
    ),
    path("agenda/chiusure/<int:pk>/", views_agenda_regole.modifica, {"kind": "chiusura"}, name="agenda_chiusura"),
    path(
        "agenda/chiusure/<int:pk>/elimina/",
        views_agenda_regole.elimina,
        {"kind": "chiusura"},
        name="agenda_chiusura_elimina",
    ),
    path("agenda/aperture/<int:pk>/", views_agenda_regole.modifica, {"kind": "apertura"}, name="agenda_apertura"),
    path(
        "agenda/aperture/<int:pk>/elimina/",
        views_agenda_regole.elimina,
        {"kind": "apertura"},
        name="agenda_apertura_elimina",
    ),
]
