from django.urls import path

from parvis.staff import views

urlpatterns = [
    path("", views.home_view, name="staff_second_factor"),
    path("activer/", views.enrol_view, name="staff_second_factor_enrol"),
    path("verifier/", views.verify_view, name="staff_second_factor_verify"),
    path("codes-de-secours/", views.backup_codes_view, name="staff_second_factor_codes"),
]
