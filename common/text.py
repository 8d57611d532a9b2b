"""Text made to fit where it is stored."""


def shortened(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis where it was cut: for text
    built from what people type (a file's name, a username) written to a bounded column, which
    PostgreSQL refuses past its length (SQLite does not check)."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def person(user, default: str = "") -> str:
    """How every page, report, e-mail and history names a person: their full name, else their
    username; `default` for nobody (issue 26: five places with different fallbacks)."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
