from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Funds and rules")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from funds import demo, nav, workflow
        from reliefdesk.demo import register_demo_loaders
        from reliefdesk.history import register_action_labels
        from reliefdesk.nav import register_nav_items

        register_action_labels(workflow.HISTORY_LABELS)
        register_nav_items(nav.NAV_ITEMS)
        register_demo_loaders({"funds": demo.seed})
