"""The operators' screens of the front-office agenda (sportelli, slots, bookings), owned with its models here.

No app_name: the composition root (cse/urls.py) mounts these under /locale/ in the `locale` namespace, where the
operators have always found them (`locale:agenda...`), so neither tier imports the other.
"""

from django.urls import path

from . import views_sportello, views_sportello_regole

urlpatterns = [
    # Front-office agenda
    path("agenda/", views_sportello.agenda, name="agenda"),
    path("agenda/sportelli/<int:pk>/", views_sportello.agenda_sportello, name="agenda_sportello"),
    path("agenda/prenotazioni/<int:pk>/", views_sportello.prenotazione_detail, name="prenotazione"),
    path("agenda/prenotazioni/<int:pk>/assente/", views_sportello.prenotazione_assente, name="prenotazione_assente"),
    path("agenda/prenotazioni/<int:pk>/cartella/", views_sportello.prenotazione_cartella, name="prenotazione_cartella"),
    # Front-office agenda rules, managed by the office's own operators
    path("agenda/sportelli/<int:pk>/regole/", views_sportello_regole.regole, name="agenda_regole"),
    path(
        "agenda/sportelli/<int:pk>/regole/impostazioni/",
        views_sportello_regole.impostazioni,
        name="agenda_impostazioni",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/festa-patronale/",
        views_sportello_regole.festa_patronale,
        name="agenda_festa_patronale",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/orari/nuovo/",
        views_sportello_regole.aggiungi,
        {"kind": "regola"},
        name="agenda_regola_nuova",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/chiusure/nuova/",
        views_sportello_regole.aggiungi,
        {"kind": "chiusura"},
        name="agenda_chiusura_nuova",
    ),
    path(
        "agenda/sportelli/<int:pk>/regole/aperture/nuova/",
        views_sportello_regole.aggiungi,
        {"kind": "apertura"},
        name="agenda_apertura_nuova",
    ),
    path("agenda/orari/<int:pk>/", views_sportello_regole.modifica, {"kind": "regola"}, name="agenda_regola"),
    path(
        "agenda/orari/<int:pk>/elimina/",
        views_sportello_regole.elimina,
        {"kind": "regola"},
        name="agenda_regola_elimina",
    ),
    path("agenda/chiusure/<int:pk>/", views_sportello_regole.modifica, {"kind": "chiusura"}, name="agenda_chiusura"),
    path(
        "agenda/chiusure/<int:pk>/elimina/",
        views_sportello_regole.elimina,
        {"kind": "chiusura"},
        name="agenda_chiusura_elimina",
    ),
    path("agenda/aperture/<int:pk>/", views_sportello_regole.modifica, {"kind": "apertura"}, name="agenda_apertura"),
    path(
        "agenda/aperture/<int:pk>/elimina/",
        views_sportello_regole.elimina,
        {"kind": "apertura"},
        name="agenda_apertura_elimina",
    ),
]
