from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API (`/api/v1/`) for Power BI and other tools: personal tokens, JSON only."""

    name = "api"
    verbose_name = "Read API"
