"""The side navigation: each area adds its entries when its app is installed.

An area that is not built has no entry, so the menu never holds a dead link.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    order: int = 100
    # Shown only to users for whom this returns True (default: everyone signed in).
    visible: Callable[[object], bool] = field(default=lambda user: True)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[NavItem]:
    return [item for item in sorted(_items.values(), key=lambda i: (i.order, i.key))
            if item.visible(user)]
