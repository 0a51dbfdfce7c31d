from django.contrib import admin

from reactivate.tenancy.models import Agency, Membership, Practice


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "agency", "timezone", "country", "state"]
    list_filter = ["agency", "country"]
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "practice", "agency"]
    list_filter = ["role"]
    raw_id_fields = ["user"]
