from django.urls import path

from parvis.conversation import views

app_name = "conversation"
urlpatterns = [
    path("", views.assistant_home, name="home"),
    path("<str:public_id>/", views.thread_view, name="thread"),
    path(
        "<str:public_id>/<slug:action>/",
        views.action_view,
        name="action",
    ),
]
