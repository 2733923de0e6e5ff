from django.urls import path

from . import views, views_doppioni, views_privacy, views_registrazione

# The person register of the comune. cse/urls.py mounts these under the namespace "locale" together with the case
# workspace (cse/cartella/urls_cartella.py) and the front-office agenda screens (cse/cittadino/urls_sportello.py).
app_name = "locale"
urlpatterns = [
    path("assistiti/", views.assistiti_list, name="assistiti_list"),
    path("assistiti/nuovo/", views.assistito_create, name="assistito_create"),
    path("assistiti/nuovo/luoghi/", views_registrazione.luoghi_suggeriti, name="luoghi_suggeriti"),
    path("assistiti/nuovo/codice-fiscale/", views_registrazione.dal_codice_fiscale, name="dal_codice_fiscale"),
    path("assistiti/doppioni/", views_doppioni.doppioni, name="doppioni"),
    path("assistiti/nuovo/gia-registrata/", views_registrazione.gia_registrata, name="gia_registrata"),
    path("assistiti/<int:pk>/", views.assistito_detail, name="assistito_detail"),
    path("assistiti/<int:pk>/sistemi-regionali/", views.assistito_sistemi_regionali, name="sistemi_regionali"),
    path("assistiti/<int:pk>/nuova-cartella/", views.cartella_nuova, name="cartella_nuova"),
    path("assistiti/<int:pk>/modifica/", views.assistito_edit, name="assistito_edit"),
    path("assistiti/<int:pk>/isee/", views.isee_new, name="isee_nuovo"),
    path("assistiti/<int:pk>/relazioni/", views.relazione_new, name="relazione_nuova"),
    path("assistiti/<int:pk>/contatti/", views.contatto_new, name="contatto_nuovo"),
    path("assistiti/<int:pk>/unione/", views.unione, name="unione"),
    path("assistiti/<int:pk>/informativa/", views_privacy.informativa_nuova, name="informativa_nuova"),
    path("assistiti/<int:pk>/consensi/", views_privacy.consenso_nuovo, name="consenso_nuovo"),
    path("assistiti/<int:pk>/consensi/revoca/", views_privacy.consenso_revoca, name="consenso_revoca"),
    path("assistiti/<int:pk>/confronto/", views_doppioni.confronto, name="doppione_confronto"),
    path("assistiti/<int:pk>/annulla-unione/", views_doppioni.annulla_unione, name="annulla_unione"),
]
