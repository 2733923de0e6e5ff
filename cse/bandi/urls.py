from django.urls import path

from . import views, views_liquidazione, views_provvedimento

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
    path("<int:pk>/provvedimenti/", views_provvedimento.provvedimenti, name="provvedimenti"),
    path("provvedimenti/<int:pk>/", views_provvedimento.provvedimento, name="provvedimento"),
    path("provvedimenti/<int:pk>/azione/", views_provvedimento.provvedimento_azione, name="provvedimento_azione"),
    path("provvedimenti/<int:pk>/provvedimento.pdf", views_provvedimento.provvedimento_pdf, name="provvedimento_pdf"),
    path("provvedimenti/<int:pk>/notifiche/", views_provvedimento.notifiche_list, name="notifiche"),
    path("provvedimenti/<int:pk>/lettere/", views_provvedimento.lettere, name="lettere"),
    path("provvedimenti/<int:pk>/lettere.pdf", views_provvedimento.lettere_pdf, name="lettere_pdf"),
]
