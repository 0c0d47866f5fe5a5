from django.apps import AppConfig


class PlanApiConfig(AppConfig):
    name = "plan_api"
    verbose_name = "HTTP infrastructure"
