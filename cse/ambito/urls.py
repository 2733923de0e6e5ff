from django.urls import path

from . import views

app_name = "ambito"
urlpatterns = [
    path("cartelle/", views.cartelle_list, name="cartelle_list"),
    path("cartelle/<int:pk>/", views.cartella_detail, name="cartella_detail"),
]
