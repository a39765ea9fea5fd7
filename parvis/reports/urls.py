from django.urls import path

from parvis.reports import public_data, views

app_name = "reports"
urlpatterns = [
    path("", views.reports_list, name="list"),
    path("nouveau/", views.report_new, name="new"),
    path("merci/", views.report_thanks, name="thanks"),
    path("suivi/<str:reference>/", views.report_track, name="track"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/soutenir/", views.report_support_view, name="support"),
    path("<int:pk>/signaler-un-abus/", views.report_flag_view, name="flag"),
    path("photos/<str:token>/<str:size>.jpg", views.photo_serve, name="photo"),
    path("carte.geojson", public_data.reports_geojson, name="geojson"),
    path("donnees.json", public_data.opendata_json, name="opendata_json"),
    path("donnees.csv", public_data.opendata_csv, name="opendata_csv"),
    path("donnees.geojson", public_data.opendata_geojson, name="opendata_geojson"),
    path("quartier/<slug:slug>/rss/", public_data.QuartierFeed(), name="feed_rss"),
    path("quartier/<slug:slug>/atom/", public_data.QuartierAtomFeed(), name="feed_atom"),
]
