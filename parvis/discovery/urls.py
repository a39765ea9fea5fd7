from django.urls import path

from parvis.discovery import views

app_name = "discovery"

urlpatterns = [
    path("quartiers/", views.quartier_index, name="quartiers"),
    path("quartiers/<slug:slug>/", views.quartier_detail, name="quartier"),
    path("decouverte/mes-choix/", views.preferences, name="preferences"),
]
