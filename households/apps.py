from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    """Needy-worker households on file (困难职工档案) and the recurring aid paid to them."""

    name = "households"
    verbose_name = _("Households on file")
    default_auto_field = "django.db.models.BigAutoField"
