from django.urls import path

from parvis.federation import views

urlpatterns = [
    path("acteurs/<slug:username>", views.actor_view, name="federation_actor"),
    path("acteurs/<slug:username>/inbox", views.inbox_view, name="federation_inbox"),
    path("acteurs/<slug:username>/outbox", views.outbox_view, name="federation_outbox"),
    path("acteurs/<slug:username>/abonnes", views.followers_view, name="federation_followers"),
    path("objets/<int:page_id>", views.object_view, name="federation_object"),
]
