from django.urls import path

from . import views, views_liquidazione

app_name = "bandi"
urlpatterns = [
    path("", views.bandi_list, name="bandi_list"),
    path("nuovo/", views.bando_nuovo, name="bando_nuovo"),
    path("<int:pk>/", views.bando_detail, name="bando"),
    path("<int:pk>/pubblica/", views.bando_pubblica, name="bando_pubblica"),
    path("<int:pk>/chiudi/", views.bando_chiudi, name="bando_chiudi"),
    path("<int:pk>/rettifica/", views.bando_rettifica, name="bando_rettifica"),
    path("<int:pk>/domande/", views.domande_list, name="domande"),
    path("<int:pk>/graduatoria/", views.graduatoria, name="graduatoria"),
    path("<int:pk>/graduatoria.csv", views.graduatoria_csv, name="graduatoria_csv"),
    path("<int:pk>/sportello/", views.domanda_sportello, name="domanda_sportello"),
    path("domande/<int:pk>/", views.domanda_detail, name="domanda"),
    path("domande/<int:pk>/istruttoria/", views.domanda_azione, name="domanda_azione"),
    path("allegati/<int:pk>/", views.allegato, name="allegato"),
    path("<int:pk>/beneficiari/", views_liquidazione.beneficiari, name="beneficiari"),
    path("domande/<int:pk>/liquidazione/", views_liquidazione.liquidazione, name="liquidazione"),
]
