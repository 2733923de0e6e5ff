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
