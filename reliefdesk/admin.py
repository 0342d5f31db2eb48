from django.contrib import admin

from reliefdesk.models import District, Employer, HistoryEvent, Holiday, HolidayYear, Job, StaffAssignment, Station


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and ledgers are append-only: the admin may look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "active"]
    list_filter = ["district", "active"]
    search_fields = ["name", "code"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "station", "has_union"]
    list_filter = ["district"]
    search_fields = ["name", "credit_code"]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district"]
    list_filter = ["role", "district"]
    filter_horizontal = ["stations"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_group()


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    date_hierarchy = "date"
    list_filter = ["is_workday"]


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyAdmin):
    """A year's arrangement is entered as a whole on the Holidays page; single days are corrected above."""

    list_display = ["year", "source", "entered_by", "entered_at"]


@admin.register(HistoryEvent)
class HistoryEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "content_type", "object_id", "action", "from_status", "to_status", "actor"]
    list_filter = ["content_type", "action"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "done", "total", "created_by"]
