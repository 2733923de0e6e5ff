from django.urls import path

from . import views

app_name = "compartecipazione"
urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("ente/<int:pk>/", views.ente, name="ente"),
    path("ente/<int:pk>/tariffa/", views.tariffa_nuova, name="tariffa_nuova"),
    path("ente/<int:pk>/calcola/", views.calcola, name="calcola"),
    path("ente/<int:pk>/emetti/", views.emetti, name="emetti"),
    path("ente/<int:pk>/riconcilia/", views.riconcilia, name="riconcilia"),
    path("ente/<int:pk>/arretrati/", views.arretrati, name="arretrati"),
    path("ente/<int:pk>/arretrati.csv", views.arretrati_csv, name="arretrati_csv"),
    path("ente/<int:pk>/rimborsi/", views.rimborsi, name="rimborsi"),
    path("rimborsi/<int:pk>/", views.rimborso, name="rimborso"),
    path("<int:pk>/", views.compartecipazione, name="compartecipazione"),
    path("<int:pk>/annulla/", views.annulla, name="annulla"),
    path("<int:pk>/residuo/", views.residuo, name="residuo"),
    path("avvisi/<int:pk>/pdf/", views.avviso_pdf, name="avviso_pdf"),
    path("avvisi/<int:pk>/riaccoda/", views.avviso_riaccoda, name="avviso_riaccoda"),
]
