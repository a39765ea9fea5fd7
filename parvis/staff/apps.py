from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "parvis.staff"
    label = "staff"
    verbose_name = "Parvis — comptes du back-office"

    def ready(self) -> None:
        from parvis.staff.lockout import lockout_log_connect

        lockout_log_connect()
