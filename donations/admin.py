"""Donations in the admin: to look up, never to delete (a mistake is voided with a reason)."""
from django.contrib import admin

from donations.models import Campaign, Donation, DonationImport, Donor


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Donor)
class DonorAdmin(NoDeleteAdmin):
    list_display = ["name", "kind", "unit_name", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "unit_name"]


@admin.register(Campaign)
class CampaignAdmin(NoDeleteAdmin):
    list_display = ["name", "fund", "starts_on", "ends_on", "target"]
    list_filter = ["fund"]


@admin.register(Donation)
class DonationAdmin(NoDeleteAdmin):
    """Read-only: donations change only through the confirm and void pages, which post to the ledger."""

    list_display = ["receipt_number", "received_on", "donor", "amount", "channel", "status", "fund"]
    list_filter = ["fund", "status", "channel"]
    search_fields = ["receipt_number", "external_reference", "donor__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DonationImport)
class DonationImportAdmin(NoDeleteAdmin):
    list_display = ["original_name", "fund", "status", "rows_total", "rows_ok", "total_ok", "created_at"]
    list_filter = ["status", "fund"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
