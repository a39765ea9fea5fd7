from django.urls import path

from parvis.listening import views

app_name = "listening"
urlpatterns = [
    path("m/", views.code_enter, name="code"),
    path("m/<str:code>/", views.answer, name="answer"),
    path("m/<str:code>/merci/", views.thanks, name="thanks"),
]
# Providers' webhooks: no language prefix, no cookie, authenticated by each adapter.
webhook_urlpatterns = [
    path("sms/<str:provider>/", views.sms_webhook, name="listening_sms"),
    path("sms/<str:provider>/<str:token>/", views.sms_webhook, name="listening_sms_token"),
]
