from django.urls import path

from . import views

app_name = "ambito"
urlpatterns = [
    path("cartelle/", views.cartelle_list, name="cartelle_list"),
    path("cartelle/<int:pk>/", views.cartella_detail, name="cartella_detail"),
    path("cartelle/<int:pk>/uvm/nuova/", views.uvm_nuova, name="uvm_nuova"),
    path("trasferimenti/", views.trasferimenti_list, name="trasferimenti"),
    path("trasferimenti/<int:pk>/", views.trasferimento_detail, name="trasferimento"),
    path("uvm/", views.uvm_list, name="uvm_list"),
    path("uvm/<int:pk>/", views.uvm_board, name="uvm"),
    path("uvm/<int:pk>/membri/", views.uvm_membro, name="uvm_membro"),
    path("uvm/<int:pk>/verbale/", views.uvm_verbale, name="uvm_verbale"),
    path("uvm/<int:pk>/scale/<str:scala>/", views.uvm_scala, name="uvm_scala"),
    path("uvm/<int:pk>/progetto/", views.uvm_progetto, name="uvm_progetto"),
    path("uvm/<int:pk>/chiusura/", views.uvm_chiusura, name="uvm_chiusura"),
    path("uvm/<int:pk>/verbale.pdf", views.uvm_verbale_pdf, name="uvm_pdf"),
    path("presenze/<int:pk>/", views.uvm_presenza, name="uvm_presenza"),
    path("servizi/", views.servizi_list, name="servizi"),
    path("servizi/<int:pk>/", views.servizio_detail, name="servizio"),
    path("domande/<int:pk>/assegnazione/", views.domanda_assegna, name="domanda_assegna"),
    path("budget/", views.budget_dashboard, name="budget"),
    path("budget/importa-piano-di-zona/", views.budget_import, name="budget_import"),
    path("budget/bandi/", views.budget_bandi, name="budget_bandi"),
]
