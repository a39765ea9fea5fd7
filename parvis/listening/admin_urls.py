from django.urls import path

from parvis.listening import admin_views

urlpatterns = [
    path("", admin_views.moderation, name="moderation"),
    path("remarques/<int:pk>/", admin_views.remark_act, name="remark_act"),
    path("suivis/<int:pk>/publier/", admin_views.followup_publish_view, name="followup_publish"),
]
