from django.contrib import admin

from registry.admin import HistoryAdmin

from .models import (
    Assessment,
    Association,
    Attendance,
    BudgetLine,
    CoachingSession,
    Enrolment,
    Event,
    EventParticipant,
    Expenditure,
    KecamatanPlan,
    Membership,
    Programme,
    Topic,
)


class KecamatanPlanInline(admin.TabularInline):
    model = KecamatanPlan
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ["year", "name", "budget_ceiling", "naik_kelas_target", "starts_on", "ends_on"]
    inlines = [KecamatanPlanInline]

    def get_readonly_fields(self, request, obj=None):
        # The ceiling changes through the app, which refuses one below the budget lines' allocations.
        return ["budget_ceiling"] if obj is not None else []


@admin.register(Enrolment)
class EnrolmentAdmin(HistoryAdmin):
    list_display = ["business", "programme", "pendamping", "status", "verified_on"]
    list_filter = ["programme", "status", "pendamping"]
    search_fields = ["business__name", "business__nib"]
    list_select_related = ["business", "programme", "pendamping"]
    raw_id_fields = ["business"]


@admin.register(Assessment)
class AssessmentAdmin(HistoryAdmin):
    list_display = ["enrolment", "kind", "assessed_on", "turnover", "size_class"]
    list_filter = ["kind", "enrolment__programme"]
    list_select_related = ["enrolment__business", "enrolment__programme"]
    raw_id_fields = ["enrolment"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["business", "enrolment"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(HistoryAdmin):
    list_display = ["held_on", "kind", "kecamatan", "pendamping", "programme"]
    list_filter = ["programme", "kind", "kecamatan"]
    list_select_related = ["kecamatan", "pendamping", "programme"]
    inlines = [AttendanceInline]


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    raw_id_fields = ["business"]


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["held_on", "name", "kind", "kecamatan", "programme"]
    list_filter = ["kind", "programme"]
    inlines = [EventParticipantInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["business"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "contact"]
    inlines = [MembershipInline]


admin.site.register(Topic)


@admin.register(BudgetLine)
class BudgetLineAdmin(HistoryAdmin):
    """Read-only here: lines are written through the app, whose services keep them within the ceiling."""

    list_display = ["name", "programme", "category", "allocation"]
    list_filter = ["programme", "category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Expenditure)
class ExpenditureAdmin(HistoryAdmin):
    """Read-only here: spending is written, corrected and deleted (with a reason) through the app,
    whose services guard the ceiling."""

    list_display = ["spent_on", "description", "budget_line", "amount", "receipt_number"]
    list_filter = ["budget_line__programme", "budget_line__category"]
    search_fields = ["description", "receipt_number"]
    list_select_related = ["budget_line"]
    date_hierarchy = "spent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
