from django.urls import path

from parvis.networks import exports, views

app_name = "networks"
urlpatterns = [
    path("groupes/", views.groups_list, name="groups"),
    path("groupes/proposer/", views.group_propose_view, name="propose"),
    path("groupes/proposer/merci/", views.group_proposed, name="proposed"),
    path("groupes/modifier/<str:token>/", views.group_edit, name="group_edit"),
    path("groupes/quartier/<slug:quartier>/", views.groups_list, name="groups_quartier"),
    path("groupes/theme/<slug:theme>/", views.groups_list, name="groups_theme"),
    path("groupes/<slug:slug>/", views.group_detail, name="group"),
    path(
        "groupes/<slug:slug>/lien-de-modification/",
        views.group_edit_request,
        name="group_edit_request",
    ),
    path("groupes/<slug:slug>/agenda.ics", exports.agenda_ics, {"kind": "group"}, name="group_ics"),
    path("groupes/<slug:slug>/rss/", exports.AgendaRss(), {"kind": "group"}, name="group_rss"),
    path("groupes/<slug:slug>/atom/", exports.AgendaAtom(), {"kind": "group"}, name="group_atom"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/agenda.ics", exports.agenda_ics, name="agenda_ics"),
    path("agenda/rss/", exports.AgendaRss(), name="agenda_rss"),
    path("agenda/atom/", exports.AgendaAtom(), name="agenda_atom"),
    path("agenda/quartier/<slug:quartier>/", views.agenda, name="agenda_quartier"),
    path("agenda/theme/<slug:theme>/", views.agenda, name="agenda_theme"),
]
for _kind in ("quartier", "theme"):
    urlpatterns += [
        path(
            f"agenda/{_kind}/<slug:slug>/agenda.ics",
            exports.agenda_ics,
            {"kind": _kind},
            name=f"{_kind}_ics",
        ),
        path(
            f"agenda/{_kind}/<slug:slug>/rss/",
            exports.AgendaRss(),
            {"kind": _kind},
            name=f"{_kind}_rss",
        ),
        path(
            f"agenda/{_kind}/<slug:slug>/atom/",
            exports.AgendaAtom(),
            {"kind": _kind},
            name=f"{_kind}_atom",
        ),
    ]
