from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demonstration and measurement only, nothing a production instance needs: the demo people
    and their updates (`seed_demo`), invented key indicator values, plans a hundred times the
    seed's size (`generate_scale_data`) and the page benchmark (`bench`)."""

    name = "demo"
    verbose_name = "Demonstration data"
