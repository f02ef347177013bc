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
    SubActivity,
    Topic,
)
from .verdicts import store_verdicts


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The rule's settings may have changed: the cohort's stored verdicts follow them.
        store_verdicts(obj.enrolments.all())


@admin.register(KecamatanPlan)
class KecamatanPlanAdmin(HistoryAdmin):
    list_display = ["programme", "kecamatan", "planned_sessions"]
    list_filter = ["programme"]
    list_select_related = ["programme", "kecamatan"]


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

    # What the rule reads changed: the enrolment's stored verdict follows it, as the services do.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        store_verdicts(Enrolment.objects.filter(pk=obj.enrolment_id))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        store_verdicts(Enrolment.objects.filter(pk=obj.enrolment_id))

    def delete_queryset(self, request, queryset):
        enrolment_ids = list(queryset.values_list("enrolment_id", flat=True))
        super().delete_queryset(request, queryset)
        store_verdicts(Enrolment.objects.filter(pk__in=enrolment_ids))


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
class AssociationAdmin(HistoryAdmin):
    list_display = ["name", "sector", "contact"]
    inlines = [MembershipInline]


admin.site.register(Topic)


@admin.register(SubActivity)
class SubActivityAdmin(HistoryAdmin):
    """Reference data an admin may correct; staf keep it on the programme's Sub kegiatan page."""

    list_display = ["code", "name", "programme", "output_target", "output_realised"]
    list_filter = ["programme"]
    search_fields = ["code", "name"]


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
