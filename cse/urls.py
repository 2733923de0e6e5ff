from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cse.cartella import urls_cartella
from cse.cittadino import urls_sportello
from cse.core.health import salute
from cse.locale import urls as locale_urls
from interop import views as interop_views

# The operator shell's pages of the other packages, under the same prefix as core's (core imports none of them).
operatore_urlpatterns = [
    # external systems (interop/): circuit state, last outcome and the ente's own call log
    path("ente/<int:pk>/sistemi-esterni/", interop_views.ente_sistemi, name="ente_sistemi"),
    path("ente/<int:pk>/sistemi-esterni/chiamate.csv", interop_views.ente_chiamate_csv, name="ente_chiamate_csv"),
]

# The comune's workspace: its person register, the case workspace shared with the ambito, and the operators' screens
# of the front-office agenda the citizen portal owns (no tier imports another: they are composed here).
locale_namespace = locale_urls.urlpatterns + urls_cartella.urlpatterns + urls_sportello.urlpatterns

urlpatterns = [
    path("salute/", salute, name="salute"),  # readiness probe (load balancer, production smoke test)
    # The operator shell lives under /operatore/: the citizen portal's home is the site root.
    path("operatore/", include("cse.core.urls")),
    path("locale/", include((locale_namespace, "locale"))),
    path("operatore/", include(operatore_urlpatterns)),
    path("operatore/", include("cse.cartella.urls")),
    path("ambito/", include("cse.ambito.urls")),
    path("operatore/bandi/", include("cse.bandi.urls")),  # shared by comune and ambito (issue 21)
    path("operatore/compartecipazione/", include("cse.compartecipazione.urls")),  # comune and ambito alike
    path("regionale/", include("cse.regionale.urls")),
    path("siuss/", include("cse.siuss.urls")),
    path("gestione/", admin.site.urls),
    # citizen portal: booking, login, my area; Wagtail admin for the enti's editors
    path("cittadino/", include("cse.cittadino.urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("documenti-cms/", include(wagtaildocs_urls)),
    # Wagtail serves the pages: must stay the last, catch-all route
    path("", include(wagtail_urls)),
]

# Italian error pages in the look of the area (cse/core/errors.py); CSRF failures too (settings.CSRF_FAILURE_VIEW).
handler400 = "cse.core.errors.bad_request"
handler403 = "cse.core.errors.permission_denied"
handler404 = "cse.core.errors.not_found"
handler500 = "cse.core.errors.server_error"
