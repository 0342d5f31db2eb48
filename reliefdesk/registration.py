"""What an app registers with the core when Django starts: one call from its AppConfig.ready()."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from reliefdesk.demo import register_demo_loaders
from reliefdesk.history import register_action_aliases, register_action_labels
from reliefdesk.jobs import register_job_handlers
from reliefdesk.nav import NavItem, register_nav_items, register_role_homes
from reliefdesk.panels import Panel, register_panels
from reliefdesk.workflow import Workflow, register_workflows


def register_app(*, workflows: Iterable[Workflow] = (), history_labels: dict | None = None,
                 history_aliases: dict[str, str] | None = None, nav_items: Iterable[NavItem] = (),
                 role_homes: dict[str, str] | None = None, job_handlers: dict[str, Callable] | None = None,
                 demo_loaders: dict[str, Callable] | None = None,
                 panels: dict[str, Iterable[Panel]] | None = None) -> None:
    """Lifecycles (and their history labels), other history labels, old codes, navigation, start pages,
    background-job runners, demo loaders and the panels it adds to other apps' pages (reliefdesk.panels)."""
    register_workflows(*workflows)
    register_action_labels(history_labels or {})
    register_action_aliases(history_aliases or {})
    register_nav_items(nav_items)
    register_role_homes(role_homes or {})
    register_job_handlers(job_handlers or {})
    register_demo_loaders(demo_loaders or {})
    register_panels(panels or {})
