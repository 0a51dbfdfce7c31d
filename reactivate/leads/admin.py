"""Admin for platform staff (superusers) only; practice users work in the product's own pages."""

from django.contrib import admin

from reactivate.leads.models import Consent, ContactPoint, Interaction, Lead, Suppression


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0
    fields = ["kind", "value", "raw_value", "validity", "line_type", "is_primary"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["__str__", "practice", "treatment", "stage", "status", "last_contact_at"]
    list_filter = ["practice", "status", "stage", "dormancy_reason"]
    search_fields = ["first_name", "last_name", "external_id"]
    inlines = [ContactPointInline]
    list_select_related = ["practice"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["contact_point", "channel", "status", "source", "recorded_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["contact_point"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "lead", "kind", "summary"]
    list_filter = ["kind"]
    raw_id_fields = ["lead", "actor"]

    # The timeline is append-only, here as everywhere.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "reason", "practice", "created_at"]
    list_filter = ["practice", "kind", "reason"]
    search_fields = ["value"]
