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
        from payouts import demo, jobs, nav, selectors, services, workflow
        from reliefdesk.demo import register_demo_loaders
        from reliefdesk.history import register_action_aliases, register_action_labels
        from reliefdesk.jobs import register_job_handlers
        from reliefdesk.nav import register_nav_items, register_role_homes
        from reliefdesk.workflow import register_workflows

        register_workflows(*workflow.WORKFLOWS)
        register_action_labels(workflow.HISTORY_LABELS)
        register_action_aliases(workflow.ALIASES)
        register_nav_items(nav.NAV_ITEMS)
        register_role_homes(nav.ROLE_HOMES)
        register_job_handlers(jobs.HANDLERS)
        register_award_receivers({"payouts": services.payouts_create_for_awards})
        register_commitments({"payouts": selectors.owed_by_fund})
        register_ledger_sources({"payouts": LedgerSource("申请编号", ("payout__application",),
                                                         selectors.payout_reference)})
        register_demo_loaders({"payouts": demo.seed})
