"""Read-only admin of the call log and the provenance records (an audit trail: nobody edits it)."""

from django.contrib import admin

from .models import ChiamataInterop, ProvenienzaDato


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChiamataInterop)
class ChiamataInteropAdmin(ReadOnlyAdmin):
    list_display = ["creata_il", "e_service", "operazione", "esito", "codice_errore", "tentativi", "durata_ms", "ente"]
    list_filter = ["e_service", "esito"]
    date_hierarchy = "creata_il"


@admin.register(ProvenienzaDato)
class ProvenienzaDatoAdmin(ReadOnlyAdmin):
    list_display = ["assistito_id", "campo", "fonte", "acquisito_il", "operatore"]
    list_filter = ["fonte", "campo"]
