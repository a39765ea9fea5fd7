from django.urls import path

from parvis.conversation import admin_views

app_name = "conversation_admin"
urlpatterns = [
    path("", admin_views.inbox, name="inbox"),
    path("questions-sans-reponse/", admin_views.learning, name="learning"),
    path("<str:public_id>/", admin_views.detail, name="detail"),
    path("<str:public_id>/<slug:verb>/", admin_views.action, name="action"),
]
