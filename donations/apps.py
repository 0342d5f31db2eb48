from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donations import demo, jobs, ledger, nav, workflow
        from funds.selectors import LedgerSource, register_ledger_sources
        from reliefdesk.registration import register_app

        register_app(workflows=workflow.WORKFLOWS, history_labels=workflow.HISTORY_LABELS, nav_items=nav.NAV_ITEMS,
                     job_handlers=jobs.HANDLERS, demo_loaders={"donations": demo.seed})
        register_ledger_sources({"donations": LedgerSource("捐款收据号", ("donation", "voided_donation"),
                                                           ledger.donation_reference)})
