"""Django admin is for platform operations only (superusers): people and cases are not registered here,
so the admin cannot become a way around the permission layer. Ente administrators use the ente screens."""

from django.contrib import admin

from .models import AccessLog, Ambito, Comune, Ente, Incarico, Operatore, Regione

admin.site.site_header = "CSE — gestione piattaforma"
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


@admin.register(Regione)
class RegioneAdmin(admin.ModelAdmin):
    list_display = ["codice_istat", "nome"]


@admin.register(Ambito)
class AmbitoAdmin(admin.ModelAdmin):
    list_display = ["codice", "nome", "regione"]


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = ["codice_istat", "codice_catastale", "nome", "sigla_provincia", "ambito", "soppresso"]
    search_fields = ["nome", "codice_istat", "codice_catastale"]
    list_filter = ["soppresso", "regione"]


@admin.register(Ente)
class EnteAdmin(admin.ModelAdmin):
    list_display = ["nome", "tipo", "codice"]


@admin.register(Operatore)
class OperatoreAdmin(admin.ModelAdmin):
    list_display = ["user", "codice_fiscale", "qualifica"]


@admin.register(Incarico)
class IncaricoAdmin(admin.ModelAdmin):
    list_display = ["operatore", "ente", "ruolo", "attivo"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "ente", "azione", "oggetto_tipo", "oggetto_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
