from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefdeskConfig(AppConfig):
    name = "reliefdesk"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from reliefdesk import demo, history, nav
        from reliefdesk.middleware import mark_session_refreshed
        from reliefdesk.registration import register_app

        user_logged_in.connect(mark_session_refreshed, dispatch_uid="reliefdesk.mark_session_refreshed")

        register_app(history_labels=history.CORE_HISTORY_LABELS, nav_items=nav.NAV_ITEMS,
                     demo_loaders={"organisation": demo.seed})
