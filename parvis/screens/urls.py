from django.urls import path

from parvis.screens import views

app_name = "screens"
urlpatterns = [
    path("<slug:slug>/", views.screen_display, name="display"),
]
