from django.urls import path

from reactivate.workspace import lead_views, thread_views, views

urlpatterns = [
    path("worklist/", views.worklist_page, name="worklist"),
    path("worklist/<str:ref>/claim/", views.work_claim, name="work_claim"),
    path("worklist/<str:ref>/assign/", views.work_assign, name="work_assign"),
    path("worklist/<str:ref>/done/", views.work_done, name="work_done"),
    path("leads/<int:lead_id>/", lead_views.lead_page, name="lead_detail"),
    path("leads/<int:lead_id>/call/", lead_views.lead_call, name="lead_call"),
    path("leads/<int:lead_id>/book/", lead_views.lead_book, name="lead_book"),
    path("leads/<int:lead_id>/snooze/", lead_views.lead_snooze_view, name="lead_snooze"),
    path("leads/<int:lead_id>/close/", lead_views.lead_close, name="lead_close"),
    path("leads/<int:lead_id>/requalify/", lead_views.lead_requalify_view, name="lead_requalify"),
    path("leads/<int:lead_id>/learned/", lead_views.lead_notes, name="lead_learned"),
    path("opportunities/<int:pk>/stage/", lead_views.opportunity_stage, name="opportunity_stage"),
    path("opportunities/<int:pk>/invite.ics", lead_views.opportunity_ics, name="opportunity_ics"),
    path("leads/<int:lead_id>/thread/", thread_views.thread_page, name="thread"),
    path("leads/<int:lead_id>/thread/suggest/", thread_views.thread_suggest, name="thread_suggest"),
    path("leads/<int:lead_id>/thread/lint/", thread_views.answer_lint, name="answer_lint"),
    path("leads/<int:lead_id>/thread/answer/", thread_views.answer, name="answer"),
    path("triage/", thread_views.triage_page, name="triage"),
    path("triage/<int:pk>/attach/", thread_views.triage_attach, name="triage_attach"),
]
