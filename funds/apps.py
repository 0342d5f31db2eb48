from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Funds and rules")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from funds import demo, nav, workflow
        from reliefdesk.registration import register_app

        register_app(history_labels=workflow.HISTORY_LABELS, nav_items=nav.NAV_ITEMS,
                     demo_loaders={"funds": demo.seed})
