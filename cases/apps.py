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
        from reliefdesk.demo import register_demo_loaders
        from reliefdesk.history import register_action_aliases, register_action_labels
        from reliefdesk.nav import register_nav_items, register_role_homes
        from reliefdesk.workflow import register_workflows

        register_workflows(*workflow.WORKFLOWS)
        register_action_labels(workflow.HISTORY_LABELS)
        register_action_aliases(workflow.ALIASES)
        register_nav_items(nav.NAV_ITEMS)
        register_role_homes(nav.ROLE_HOMES)
        register_rule_set_uses({"applications": awards.application_uses_rule_set})
        register_decided_cases({"applications": awards.decided_applications})
        register_demo_loaders({"intake": demo.seed, "review": demo_review.seed})
