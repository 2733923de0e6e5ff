from django.apps import AppConfig


class CompartecipazioneConfig(AppConfig):
    name = "cse.compartecipazione"
    label = "compartecipazione"
    verbose_name = "Compartecipazione al costo dei servizi"
