from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donations import demo, jobs, nav, workflow
        from reliefdesk.demo import register_demo_loaders
        from reliefdesk.history import register_action_labels
        from reliefdesk.jobs import register_job_handlers
        from reliefdesk.nav import register_nav_items

        register_action_labels(workflow.HISTORY_LABELS)
        register_nav_items(nav.NAV_ITEMS)
        register_job_handlers(jobs.HANDLERS)
        register_demo_loaders({"donations": demo.seed})
