from django.urls import path, re_path

from parvis.reports.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, views.services, name="open311_services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_-]{1,40})" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests_, name="open311_requests"),
    re_path(r"^requests/(?P<pk>[0-9]{1,15})" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_-]{1,64})" + FMT, views.token),
    path("<path:rest>", views.not_found),
    path("", views.not_found),
]
