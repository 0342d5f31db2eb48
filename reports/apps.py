from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The figures of every app, read-only; no app imports this one."""

    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reliefdesk.registration import register_app
        from reports import nav

        register_app(nav_items=nav.NAV_ITEMS)
