"""Front-office agendas in the Django admin (/gestione/, superusers only): offices, opening rules, closures, extra
openings. The office's own operators manage the same rules from "Regole dell'agenda" (views_sportello_regole.py)."""

from django.contrib import admin

from .agenda import AperturaStraordinaria, Chiusura, RegolaOrario, Sportello


class RegolaInline(admin.TabularInline):
    model = RegolaOrario
    extra = 0


class ChiusuraInline(admin.TabularInline):
    model = Chiusura
    extra = 0


class AperturaInline(admin.TabularInline):
    model = AperturaStraordinaria
    extra = 0


@admin.register(Sportello)
class SportelloAdmin(admin.ModelAdmin):
    list_display = ["nome", "ente", "tipo", "durata_slot_minuti", "orizzonte_giorni", "attivo"]
    list_filter = ["tipo", "attivo"]
    filter_horizontal = ["operatori"]
    inlines = [RegolaInline, ChiusuraInline, AperturaInline]
