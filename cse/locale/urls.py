from django.urls import path

from . import views

app_name = "locale"
urlpatterns = [
    path("assistiti/", views.assistiti_list, name="assistiti_list"),
    path("assistiti/nuovo/", views.assistito_create, name="assistito_create"),
    path("assistiti/<int:pk>/", views.assistito_detail, name="assistito_detail"),
    path("assistiti/<int:pk>/nuova-cartella/", views.cartella_nuova, name="cartella_nuova"),
    path("cartelle/<int:pk>/", views.cartella_detail, name="cartella_detail"),
]
