"""Text as people paste it, made safe to store and to write into any file format."""

import re

# C0 and C1 control characters but tab, line feed and carriage return; DEL; lone surrogates.
# XLSX (XML) cannot hold them at all, and they mean nothing on a page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Word pastes a vertical tab for Shift+Enter, and some tools a form feed: both are line breaks.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def clean_text(value):
    """The text without control characters (tabs and line breaks kept); other values as given."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.translate(_LINE_BREAKS))


def one_line(value: str) -> str:
    """Clean text on one line, for an e-mail subject or a file name."""
    return " ".join(clean_text(value).split())


class CleanTextMixin:
    """For forms: every text answer loses its control characters where it enters, before the
    model validates and stores it (see `clean_text`)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            cleaned[name] = clean_text(value)
        return cleaned
