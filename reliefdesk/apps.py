from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefdeskConfig(AppConfig):
    name = "reliefdesk"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reliefdesk import demo, history, nav
        from reliefdesk.registration import register_app

        register_app(history_labels=history.CORE_HISTORY_LABELS, nav_items=nav.NAV_ITEMS,
                     demo_loaders={"organisation": demo.seed})
