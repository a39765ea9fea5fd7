from django.urls import path

from parvis.reports import admin_views

urlpatterns = [
    path("", admin_views.inbox, name="inbox"),
    path("cles-open311/", admin_views.api_keys, name="api_keys"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/photos/<str:token>/<str:size>.jpg", admin_views.photo, name="photo"),
    path("<int:pk>/<slug:action>/", admin_views.act, name="act"),
]
