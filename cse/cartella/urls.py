"""The case domain's pages of the operator shell, mounted under /operatore/ by cse/urls.py next to core's."""

from django.urls import path

from . import views_approvazioni, views_scadenze, views_storico, views_vigilanza

urlpatterns = [
    # the operator's day: appointments, deadlines, new cases, transfers waiting (and the digest's opt-out)
    path("oggi/", views_scadenze.oggi, name="oggi"),
    path("oggi/riepilogo/", views_scadenze.digest_preferenza, name="oggi_riepilogo"),
    # the ente administrator's record of its cases: access log (by person) and change history
    path("ente/<int:pk>/accessi/", views_storico.ente_accessi, name="ente_accessi"),
    path("ente/<int:pk>/accessi.csv", views_storico.ente_accessi_csv, name="ente_accessi_csv"),
    path("ente/<int:pk>/storico/", views_storico.ente_storico, name="ente_storico"),
    # approvals (four eyes): what waits for the user, one request, the ente's rules
    path("approvazioni/", views_approvazioni.approvazioni_list, name="approvazioni"),
    path("approvazioni/<int:pk>/", views_approvazioni.approvazione_detail, name="approvazione"),
    path("ente/<int:pk>/approvazioni/", views_approvazioni.ente_approvazioni, name="ente_approvazioni"),
    # break-the-glass and its review
    path("emergenza/", views_vigilanza.accesso_emergenza, name="accesso_emergenza"),
    path("vigilanza/", views_vigilanza.vigilanza_list, name="vigilanza"),
    path(
        "vigilanza/accessi/<int:pk>/revisione/",
        views_vigilanza.accesso_emergenza_revisione,
        name="accesso_emergenza_revisione",
    ),
    path(
        "vigilanza/segnalazioni/<int:pk>/chiusura/", views_vigilanza.segnalazione_chiusura, name="segnalazione_chiusura"
    ),
]
