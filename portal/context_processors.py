from django.conf import settings

from . import navigation


def shell(request) -> dict:
    user = getattr(request, "user", None)
    nav = navigation.items_for(user) if user is not None and user.is_authenticated else []
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    return {
        "nav_items": nav,
        "nav_current": current,
        "product_name": settings.PRODUCT_NAME,
        "available_languages": settings.LANGUAGES,
    }
