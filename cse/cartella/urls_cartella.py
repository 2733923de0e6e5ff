"""The case workspace shared by comune and ambito (a case is worked on the same pages whoever owns it; each view
obtains it through get_cartella_for). cse/urls.py mounts these routes under /locale/ in the namespace "locale"."""

from django.urls import path

from . import views, views_scadenze

urlpatterns = [
    path("lavoro/", views.lavoro, name="lavoro"),
    path("cartelle/<int:pk>/", views.cartella_detail, name="cartella_detail"),
    path("cartelle/<int:pk>/accesso/", views.phase_edit, {"record": "scheda_accesso"}, name="accesso"),
    path("cartelle/<int:pk>/valutazione/", views.phase_edit, {"record": "valutazione"}, name="valutazione"),
    path("cartelle/<int:pk>/progetto/", views.phase_edit, {"record": "progetto"}, name="progetto"),
    path("cartelle/<int:pk>/chiusura/", views.phase_edit, {"record": "chiusura"}, name="chiusura"),
    path("cartelle/<int:pk>/fase/", views.transition, name="transizione"),
    path("cartelle/<int:pk>/case-manager/", views.case_manager, name="case_manager"),
    path("cartelle/<int:pk>/condivisione/", views.condivisione, name="condivisione"),
    path("cartelle/<int:pk>/riapertura/", views.reopen, name="riapertura"),
    path("cartelle/<int:pk>/interventi/nuovo/", views.intervento_new, name="intervento_nuovo"),
    path("cartelle/<int:pk>/prestazioni/nuova/", views.prestazione_new, name="prestazione_nuova"),
    path("prestazioni/<int:pk>/conclusione/", views.prestazione_end, name="prestazione_fine"),
    path("cartelle/<int:pk>/diario/", views.diario, name="diario"),
    path("diario/<int:pk>/oscuramento/", views.diario_obscure, name="diario_oscura"),
    path("cartelle/<int:pk>/documenti/", views.documenti, name="documenti"),
    path("documenti/<int:pk>/", views.documento_download, name="documento"),
    path("documenti/<int:pk>/oscuramento/", views.documento_obscure, name="documento_oscura"),
    path("cartelle/<int:pk>/pdf/<str:kind>/", views.cartella_pdf, name="pdf"),
    path("cartelle/<int:pk>/scadenze/nuova/", views_scadenze.scadenza_nuova, name="scadenza_nuova"),
    path("scadenze/<int:pk>/chiusura/", views_scadenze.scadenza_chiusura, name="scadenza_chiusura"),
    path("cartelle/<int:pk>/trasferimento/", views.trasferimento_richiesta, name="trasferimento"),
]
