from django.urls import path

from parvis.mydata import views

app_name = "mydata"
urlpatterns = [
    path("", views.start, name="start"),
    path("envoye/", views.sent, name="sent"),
    path("acces/<str:token>/", views.open_link, name="open"),
    path("code/", views.code, name="code"),
    path("consulter/", views.home, name="home"),
    path("export/", views.export, name="export"),
    path("export/<str:token>/", views.export_download, name="export_download"),
    path("effacer/", views.erase, name="erase"),
    path("quitter/", views.leave, name="leave"),
]

register_urlpatterns = [
    path("", views.register, name="register"),
    path("registre.csv", views.register_csv, name="register_csv"),
]
