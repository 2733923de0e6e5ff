from django.contrib.auth import views as auth_views
from django.urls import path

from . import reauth, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path("accesso/conferma-password/", reauth.reauth, name="reauth"),
    path("accesso/secondo-fattore/", views.otp_verify, name="otp_verify"),
    path("accesso/secondo-fattore/attiva/", views.otp_setup, name="otp_setup"),
    path("ente/<int:pk>/operatori/", views.ente_operatori, name="ente_operatori"),
    path("ente/incarichi/<int:pk>/revoca/", views.incarico_revoca, name="incarico_revoca"),
    path(
        "ente/incarichi/<int:pk>/codice-attivazione/",
        views.codice_attivazione_emetti,
        name="codice_attivazione_emetti",
    ),
]
