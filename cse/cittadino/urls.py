from django.urls import path

from . import views
from .oidc import CitizenOIDCCallback, CitizenOIDCStart

app_name = "cittadino"
urlpatterns = [
    path("prenota/", views.prenota, name="prenota"),
    path("prenota/conferma/<str:token>/", views.conferma, name="conferma"),
    path("prenotazioni/<str:codice>/", views.ricevuta, name="ricevuta"),
    path("prenotazioni/<str:codice>/pdf/", views.ricevuta_pdf, name="ricevuta_pdf"),
    path("prenotazioni/<str:codice>/ics/", views.ricevuta_ics, name="ricevuta_ics"),
    path("prenotazioni/<str:codice>/annulla/", views.annulla, name="annulla"),
    path("prenotazioni/<str:codice>/sposta/", views.sposta, name="sposta"),
    path("accesso/", views.accesso, name="accesso"),
    path("accesso/prova/", views.accesso_prova, name="accesso_prova"),
    path("accesso/oidc/", CitizenOIDCStart.as_view(), name="oidc_start"),
    path("accesso/oidc/callback/", CitizenOIDCCallback.as_view(), name="oidc_callback"),
    path("uscita/", views.uscita, name="uscita"),
    path("area-personale/", views.area_personale, name="area_personale"),
    path("area-personale/accessi/", views.chi_ha_consultato, name="chi_ha_consultato"),
    path("area-personale/accessi.csv", views.chi_ha_consultato_csv, name="chi_ha_consultato_csv"),
]
