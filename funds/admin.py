"""Admin for funds: rule sets are edited only as drafts; the ledger is read-only."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from funds.models import AidCategory, Disease, Fund, LedgerEntry, Parameter, ParameterValue, RuleSet, Tier
from funds.services import rule_set_edit_refusal
from reliefdesk.admin import ReadOnlyAdmin


@admin.register(AidCategory)
class AidCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "sort_order")


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "district", "founded_on", "active", "exception_max_amount",
                     "exception_cap_multiple")
    list_filter = ("active", "district")
    fieldsets = [
        (None, {"fields": ("slug", "name", "district", "founded_on", "notice_days", "active", "description")}),
        (_("Exception amounts"), {"fields": ("exception_max_amount", "exception_cap_multiple")}),
    ]


@admin.register(Disease)
class DiseaseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "source")
    search_fields = ("code", "name", "name_en")


class ParameterValueInline(admin.TabularInline):
    model = ParameterValue
    extra = 0


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit")
    inlines = [ParameterValueInline]


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or rule_set_edit_refusal(obj) is None

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("fund", "category", "version_name", "effective_from", "effective_to", "status")
    list_filter = ("status", "fund", "category")
    filter_horizontal = ("diseases",)
    readonly_fields = ("status", "created_by", "created_at", "revised_from")
    inlines = [TierInline]

    def has_change_permission(self, request, obj=None):
        # A version in force or used by a case is never edited: revise it on the rule set page.
        if obj is not None and rule_set_edit_refusal(obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and rule_set_edit_refusal(obj) is None and super().has_delete_permission(request, obj)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("rule_set", "lower", "upper", "kind", "rate", "amount", "label")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return obj is None or rule_set_edit_refusal(obj.rule_set) is None

    has_delete_permission = has_change_permission


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("fund", "booked_on", "kind", "amount", "description", "created_by")
    list_filter = ("kind", "fund")
    date_hierarchy = "booked_on"
