"""Helpers for template tags that write many small items of one page."""


def once_per_render(context, factory):
    """The object ``factory()`` makes, made at its first use in a template render and
    kept for the rest of it (labels, URL shapes, date formats a page's items share)."""
    found = context.render_context.get(factory)
    if found is None:
        found = context.render_context[factory] = factory()
    return found
