from django.urls import path

from . import views

app_name = "regionale"
urlpatterns = [path("", views.cruscotto, name="cruscotto")]
