from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Assurance"

    def ready(self):
        from assurance.findings import FindingsExtension
        from deliverables import extensions

        # Committee findings on the executive's pages, which the deliverables app owns.
        extensions.register(FindingsExtension())
