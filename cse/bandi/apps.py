from django.apps import AppConfig


class BandiConfig(AppConfig):
    name = "cse.bandi"
    label = "bandi"
    verbose_name = "Bandi e contributi"

    def ready(self) -> None:
        from cse.core.protocollo import register_protocollo_callback

        from .actions import PROTOCOLLO_CALLBACK, domanda_protocollo_registrato
        from .provvedimento import actions as provvedimento

        register_protocollo_callback(PROTOCOLLO_CALLBACK, domanda_protocollo_registrato)
        register_protocollo_callback(
            provvedimento.PROTOCOLLO_CALLBACK, provvedimento.provvedimento_protocollo_registrato
        )
