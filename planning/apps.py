from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """A plan's life across years: starting a plan year, importing a plan (from the export's
    columns or the trust's own plan document), rolling deliverables over into the next year;
    `load_plan` and `import_plan`. Beside `reporting`, above the domain apps."""

    name = "planning"
    verbose_name = "Plan years and imports"
