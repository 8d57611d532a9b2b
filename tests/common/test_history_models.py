"""Every model imports from the module it names (Django's shell imports each that way; so do
pickling and tools), history models of models kept in a package included."""

import importlib

from django.apps import apps


def test_every_model_is_found_in_its_module():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if getattr(importlib.import_module(model.__module__), model.__name__, None) is not model
    ]
    assert missing == []
