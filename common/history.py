"""History records: who and why on a save (`recorded_save`), and one rule for every record: its
reason fits its column.

Reasons are built from what people type (a file's name in "Imported from …", a username in
"Given …"), and the column is 100 characters: PostgreSQL refused the longer ones with a 500
(issue 25). Bounded here, once, as simple-history creates each record, instead of at each of
the places that write one.
"""

import importlib

from simple_history.signals import pre_create_historical_record

from common.text import field_limit, shortened


def _bound_reason(sender, history_instance, **kwargs):
    reason = history_instance.history_change_reason
    if reason:
        limit = field_limit(type(history_instance), "history_change_reason")
        history_instance.history_change_reason = shortened(reason, limit)


def connect() -> None:
    pre_create_historical_record.connect(_bound_reason, dispatch_uid="common.history.reason")


def recorded_save(instance, user, reason):
    """Validate and save, with the person and the reason in the row's history."""
    instance._history_user = user
    instance._change_reason = reason
    instance.full_clean()
    instance.save()
    return instance


def expose_history_models(app_config) -> None:
    """Make each history model importable from the module it names. simple-history names the
    app's package as the module of a history model whose model lives in a models package
    (`deliverables.models.deliverables`), but sets it on the submodule; Django's shell, pickling
    and anything else that imports a model by its module then fail to find it."""
    for model in app_config.get_models():
        module = importlib.import_module(model.__module__)
        if not hasattr(module, model.__name__):
            setattr(module, model.__name__, model)
