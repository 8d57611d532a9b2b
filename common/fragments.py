"""Rendered parts of pages kept in the "fragments" cache by everything they show, as `{% cache %}`
keeps them, but a page's many looked up in one call.

`{% cache %}` looks each fragment up on its own: on a page of two hundred rows that was two
hundred keys hashed from the row's text and two hundred locked reads of the cache, most of the
RAG grid's time at a hundred times the seed plan (issue 32). A kept fragment is never stale:
its key is what it shows, so a change makes a new key and only that fragment is rendered again.
"""

from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import get_template


def render_kept(template_name: str, items) -> list[str]:
    """The HTML of `template_name` for each item of `items`, (what it shows, its context): the
    kept fragment where there is one, rendered and kept where not. What it shows is a list of
    values whose text, with the template's name, is the fragment's key."""
    store = caches["fragments"]
    keys = [make_template_fragment_key(template_name, shows) for shows, _ in items]
    kept = store.get_many(keys)
    template = get_template(template_name)
    made = {}
    html = []
    for key, (_, context) in zip(keys, items, strict=True):
        if key not in kept:
            kept[key] = made[key] = template.render(context)
        html.append(kept[key])
    if made:
        store.set_many(made, timeout=None)
    return html
