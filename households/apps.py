from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    """Needy-worker households on file (困难职工档案) and the recurring aid paid to them."""

    name = "households"
    verbose_name = _("Households on file")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from households import demo, demo_cycles, jobs, nav, nav_cycles, panels, payments, workflow
        from reliefdesk.registration import register_app

        register_app(workflows=workflow.WORKFLOWS, history_labels=workflow.HISTORY_LABELS,
                     nav_items=[*nav.NAV_ITEMS, *nav_cycles.NAV_ITEMS], job_handlers=jobs.HANDLERS,
                     demo_loaders={"households": demo.seed, "cycles": demo_cycles.seed},
                     panels=panels.PANELS)
        payments.register_household_payments({"awards": payments.award_payments, "cycles": payments.cycle_payments})
        from households.services.cycles import cycles_hear_payouts
        from payouts.services import register_payout_outcome_receivers

        register_payout_outcome_receivers({"cycle_line": cycles_hear_payouts})
