from django.urls import path

from reactivate.replies import inbox_views, views

urlpatterns = [
    path("outbox/<int:message_id>/reply/", views.outbox_reply, name="outbox_reply"),
    path("replies/", inbox_views.reply_inbox, name="reply_inbox"),
    path("replies/<int:pk>/label/", inbox_views.reply_relabel, name="reply_relabel"),
    path("leads/<int:lead_id>/reply/", inbox_views.reply_add, name="reply_add"),
]
