from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases import demo, demo_review, nav, workflow
        from cases.selectors import awards
        from funds.selectors import register_rule_set_uses
        from funds.whatif import register_decided_cases
        from reliefdesk.registration import register_app

        register_app(workflows=workflow.WORKFLOWS, history_labels=workflow.HISTORY_LABELS,
                     history_aliases=workflow.ALIASES, nav_items=nav.NAV_ITEMS, role_homes=nav.ROLE_HOMES,
                     demo_loaders={"intake": demo.seed, "review": demo_review.seed})
        register_rule_set_uses({"applications": awards.application_uses_rule_set})
        register_decided_cases({"applications": awards.decided_applications})
