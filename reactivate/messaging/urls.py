from django.urls import path

from reactivate.messaging import views

urlpatterns = [
    path("messages/", views.message_index, name="message_index"),
    path("messages/starter/", views.message_install, name="message_install"),
    path("messages/new/", views.message_edit, name="message_new"),
    path("messages/lint/", views.message_lint, name="message_lint"),
    path("messages/<int:template_id>/", views.message_edit, name="message_edit"),
    path("messages/<int:template_id>/copy/", views.message_copy, name="message_copy"),
    path("messages/<int:template_id>/share/", views.message_share, name="message_share"),
    path("messages/<int:template_id>/preview/", views.message_preview, name="message_preview"),
]
