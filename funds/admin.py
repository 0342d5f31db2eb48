"""Admin for funds: rule sets are edited only as drafts that judged no case; the ledger is read-only.

A rule set in use, its tiers, its diseases and the parameter values it took are read-only here, exactly as
in the services and in PostgreSQL (whose triggers refuse what slips past): a correction is a new version or
a new dated value.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from funds.models import AidCategory, Disease, Fund, LedgerEntry, Parameter, ParameterValue, RuleSet, Tier
from funds.services import parameter_value_refusal, rule_set_edit_refusal
from reliefdesk.admin import ReadOnlyAdmin


class NoBulkDeleteAdmin(admin.ModelAdmin):
    """Deleting is judged row by row (a row in use is kept), so the list offers no bulk delete."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


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


def _in_locked_rule_set(disease: Disease) -> bool:
    return any(rule_set_edit_refusal(rule_set) for rule_set in disease.rule_sets.all())


@admin.register(Disease)
class DiseaseAdmin(NoBulkDeleteAdmin):
    list_display = ("code", "name", "name_en", "source")
    search_fields = ("code", "name", "name_en")

    def has_delete_permission(self, request, obj=None):
        # A disease on the list of a version in force or in use stays on it.
        if obj is not None and _in_locked_rule_set(obj):
            return False
        return super().has_delete_permission(request, obj)


class ParameterValueForm(forms.ModelForm):
    class Meta:
        model = ParameterValue
        fields = ("valid_from", "value", "source")

    def clean(self):
        cleaned = super().clean()
        parameter_id = self.instance.parameter_id
        if parameter_id and cleaned.get("valid_from"):
            refusal = parameter_value_refusal(parameter_id=parameter_id, valid_from=cleaned["valid_from"],
                                              value_id=self.instance.pk)
            if refusal:
                self.add_error("valid_from", refusal)
        return cleaned


class UsedParameterValueInline(admin.TabularInline):
    """Values that judged cases: shown, never changed or deleted."""

    model = ParameterValue
    verbose_name = _("value that judged cases")
    verbose_name_plural = _("values that judged cases (read-only: a correction is a new dated value)")
    fields = ("valid_from", "value", "source", "used_through")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(used_through__isnull=False)

    def has_add_permission(self, request, obj=None):
        return False


class ParameterValueInline(admin.TabularInline):
    model = ParameterValue
    form = ParameterValueForm
    verbose_name_plural = _("values not yet used")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(used_through__isnull=True)


@admin.register(Parameter)
class ParameterAdmin(NoBulkDeleteAdmin):
    list_display = ("code", "name", "unit")
    inlines = [UsedParameterValueInline, ParameterValueInline]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.values.filter(used_through__isnull=False).exists():
            return False
        return super().has_delete_permission(request, obj)


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or rule_set_edit_refusal(obj) is None

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("fund", "category", "version_name", "effective_from", "effective_to", "status", "in_use")
    list_filter = ("status", "in_use", "fund", "category")
    filter_horizontal = ("diseases",)
    readonly_fields = ("status", "in_use", "created_by", "created_at", "revised_from")
    inlines = [TierInline]

    def has_change_permission(self, request, obj=None):
        # A version in force or used by a case is never edited: revise it on the rule set page.
        if obj is not None and rule_set_edit_refusal(obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and rule_set_edit_refusal(obj) is None and super().has_delete_permission(request, obj)


class TierAdminForm(forms.ModelForm):
    class Meta:
        model = Tier
        fields = "__all__"

    def clean_rule_set(self):
        rule_set = self.cleaned_data["rule_set"]
        refusal = rule_set_edit_refusal(rule_set)
        if refusal:
            raise forms.ValidationError(refusal)
        return rule_set


@admin.register(Tier)
class TierAdmin(NoBulkDeleteAdmin):
    form = TierAdminForm
    list_display = ("rule_set", "lower", "upper", "kind", "rate", "amount", "label")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return obj is None or rule_set_edit_refusal(obj.rule_set) is None

    def has_delete_permission(self, request, obj=None):
        return obj is None or rule_set_edit_refusal(obj.rule_set) is None


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("fund", "booked_on", "kind", "amount", "description", "created_by")
    list_filter = ("kind", "fund")
    date_hierarchy = "booked_on"
