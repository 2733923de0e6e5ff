from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cse.core.urls")),
    path("locale/", include("cse.locale.urls")),
    path("ambito/", include("cse.ambito.urls")),
    path("regionale/", include("cse.regionale.urls")),
    path("siuss/", include("cse.siuss.urls")),
    path("gestione/", admin.site.urls),
]

handler404 = "cse.core.errors.not_found"
