from django.urls import path

from parvis.audience import views

urlpatterns = [
    path("engagements/", views.commitments_page, name="audience_commitments"),
    path("engagements/donnees.json", views.commitments_json, name="audience_commitments_json"),
    path("engagements/donnees.csv", views.commitments_csv, name="audience_commitments_csv"),
    path("frequentation/", views.audience_page, name="audience_page"),
    path("frequentation/donnees.json", views.audience_json, name="audience_open_data_json"),
    path("frequentation/donnees.csv", views.audience_csv, name="audience_open_data_csv"),
]
