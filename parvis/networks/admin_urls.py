from django.urls import path

from parvis.networks import admin_views

urlpatterns = [
    path("", admin_views.groups, name="groups"),
    path("<int:pk>/<slug:action>/", admin_views.group_act, name="group_act"),
    path("flux/", admin_views.feeds, name="feeds"),
    path("flux/<int:pk>/<slug:action>/", admin_views.feed_act, name="feed_act"),
    path("evenements/", admin_views.events, name="events"),
    path("evenements/<int:pk>/<slug:action>/", admin_views.event_act, name="event_act"),
]
