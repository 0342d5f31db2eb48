from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    """Approved awards paid through the bank: payouts, payout sheets, the bank's file and its results."""

    name = "payouts"
    verbose_name = _("Payouts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from funds.awards import register_award_receivers
        from funds.selectors import LedgerSource, register_commitments, register_ledger_sources
        from payouts import demo, jobs, nav, panels, selectors, services, workflow
        from reliefdesk.registration import register_app

        register_app(workflows=workflow.WORKFLOWS, history_labels=workflow.HISTORY_LABELS,
                     history_aliases=workflow.ALIASES, nav_items=nav.NAV_ITEMS, role_homes=nav.ROLE_HOMES,
                     job_handlers=jobs.HANDLERS, demo_loaders={"payouts": demo.seed}, panels=panels.PANELS)
        register_award_receivers({"payouts": services.payout_create_for_awards})
        register_commitments({"payouts": selectors.owed_by_fund})
        register_ledger_sources({"payouts": LedgerSource("申请编号", ("payout",),
                                                         selectors.payout_reference)})
