"""Admin for members: read-mostly, scoped by the member door, every change through the intake service."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.models import FamilyMember, Member, MemberRegistration
from cases.selectors.intake import members_visible_to
from cases.services.intake import MEMBER_FIELDS, clean_member_fields, member_update
from reliefdesk.errors import DomainError


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS

    def clean(self):
        cleaned = super().clean()
        try:
            # The service's own rules (mobile number, card check digit), so the admin refuses what it refuses.
            cleaned.update(clean_member_fields({name: cleaned[name] for name in ("name", "phone", "card_number",
                                                                                 "bank_name") if name in cleaned}))
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        if cleaned.get("card_number") and not cleaned.get("bank_name"):
            self.add_error("bank_name", _("Name the bank of the card."))
        return cleaned


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    fields = ("relation", "name", "id_number")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MemberRegistrationInline(admin.TabularInline):
    model = MemberRegistration
    extra = 0
    fields = ("station", "source", "reason", "registered_by", "registered_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    """Members are registered at a station on the intake pages; here they are looked up and corrected.

    The ID number (and the birth date and sex it gives) never changes; a correction of the other details
    goes through ``member_update``, so it is checked the same way and its history keeps old and new values.
    """

    form = MemberAdminForm
    list_display = ("name", "id_number", "employer", "is_union_member")
    list_filter = ("is_union_member",)
    search_fields = ("name", "=id_number")
    readonly_fields = ("id_number", "birth_date", "sex", "created_at", "updated_at")
    fields = ("id_number", "name", "birth_date", "sex", "phone", "employer", "is_union_member", "member_since",
              "card_number", "bank_name", "created_at", "updated_at")
    inlines = [MemberRegistrationInline, FamilyMemberInline]
    list_select_related = ("employer",)

    def get_queryset(self, request):
        return members_visible_to(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in MEMBER_FIELDS}
        if changes:
            member_update(actor=request.user, member=obj, **changes)
