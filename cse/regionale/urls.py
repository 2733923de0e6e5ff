from django.urls import path

from . import views, views_dss, views_sioss

app_name = "regionale"
urlpatterns = [
    path("", views.cruscotto, name="cruscotto"),
    path("siuss/completezza/", views.completezza, name="completezza"),
    path("sioss/", views_sioss.sioss, name="sioss"),
    path("sioss/ricalcola/", views_sioss.ricalcola, name="sioss_ricalcola"),
    path("sioss/import-a4/", views_sioss.import_a4, name="sioss_import_a4"),
    path("sioss/schede/<int:pk>/", views_sioss.scheda, name="scheda"),
    path("sioss/schede/<int:pk>/finalizza/", views_sioss.scheda_finalizza, name="scheda_finalizza"),
    path("sioss/schede/<int:pk>/riapri/", views_sioss.scheda_riapri, name="scheda_riapri"),
    path("sioss/schede/<int:pk>/valore/", views_sioss.scheda_valore, name="scheda_valore"),
    path("dss/", views_dss.dss, name="dss"),
    path("dss/invio/", views_dss.dss_invio, name="dss_invio"),
]
