from django.urls import path

from . import views, views_bandi, views_consensi, views_pagamenti
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
    # bandi e contributi (issue 21): public list and notice, the citizen's own domande
    path("bandi/", views_bandi.bandi, name="bandi"),
    path("bandi/<int:pk>/", views_bandi.bando, name="bando"),
    path("bandi/<int:pk>/graduatoria/", views_bandi.graduatoria, name="bando_graduatoria"),
    path("bandi/<int:pk>/domanda/", views_bandi.domanda_nuova, name="domanda_nuova"),
    path("area-personale/domande/", views_bandi.domande, name="domande"),
    path("area-personale/domande/<int:pk>/", views_bandi.domanda, name="domanda"),
    path("area-personale/domande/<int:pk>/ricevuta.pdf", views_bandi.domanda_pdf, name="domanda_pdf"),
    path("area-personale/domande/<int:pk>/iban/", views_bandi.domanda_iban, name="domanda_iban"),
    path(
        "area-personale/domande/<int:pk>/provvedimento.pdf",
        views_bandi.domanda_provvedimento_pdf,
        name="domanda_provvedimento_pdf",
    ),
    # compartecipazione: the citizen's own pagoPA notices
    path("area-personale/consensi/", views_consensi.consensi, name="consensi"),
    path("area-personale/consensi/dai/", views_consensi.consenso_dai, name="consenso_dai"),
    path("area-personale/consensi/<int:pk>/revoca/", views_consensi.consenso_revoca, name="consenso_revoca"),
    path("area-personale/pagamenti/", views_pagamenti.pagamenti, name="pagamenti"),
    path("area-personale/pagamenti/<int:pk>/avviso.pdf", views_pagamenti.pagamento_pdf, name="pagamento_pdf"),
]
