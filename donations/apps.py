from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donations import demo, jobs, ledger, nav, workflow
        from funds.selectors import LedgerSource, register_ledger_sources
        from reliefdesk.demo import register_demo_loaders
        from reliefdesk.history import register_action_labels
        from reliefdesk.jobs import register_job_handlers
        from reliefdesk.nav import register_nav_items
        from reliefdesk.workflow import register_workflows

        register_workflows(*workflow.WORKFLOWS)
        register_action_labels(workflow.HISTORY_LABELS)
        register_ledger_sources({"donations": LedgerSource("捐款收据号", ("donation", "voided_donation"),
                                                                    ledger.donation_reference)})
        register_nav_items(nav.NAV_ITEMS)
        register_job_handlers(jobs.HANDLERS)
        register_demo_loaders({"donations": demo.seed})
