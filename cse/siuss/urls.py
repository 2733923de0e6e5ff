from django.urls import path

from . import api, views

app_name = "siuss"
urlpatterns = [
    # WaaS e-service (api-comuni.yaml paths, under the ente's own base URL)
    path("waas/<str:codice>/flussi", api.flussi, name="waas_flussi"),
    path("waas/<str:codice>/esiti", api.esiti, name="waas_esiti"),
    path("waas/<str:codice>/status", api.status, name="waas_status"),
    # operators
    path("enti/<int:pk>/trasmissioni/", views.dashboard, name="dashboard"),
    path("enti/<int:pk>/trasmissioni.csv", views.dashboard_csv, name="dashboard_csv"),
    path("enti/<int:pk>/correzione/", views.flusso_correct, name="correzione"),
    path("prestazioni/<int:pk>/dati/", views.dati_prestazione, name="dati_prestazione"),
    path("cartelle/<int:pk>/sinba/", views.scheda_sinba, name="sinba"),
    path("cartelle/<int:pk>/sina/", views.valutazione_sina, name="sina"),
]
