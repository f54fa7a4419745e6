"""Who may open a stored file attached to an object of another app.

An app registers, for each of its models that carry files, a function telling whether a
user may see that object; the download view asks it. Files attached to an unregistered
model are visible to their uploader and to holders of ``uploads.view_storedfile`` only.
"""

from collections.abc import Callable

from django.db import models

AccessRule = Callable[[object, models.Model], bool]
_rules: dict[type[models.Model], AccessRule] = {}


def register_access_rule(model: type[models.Model], rule: AccessRule) -> None:
    _rules[model] = rule


def rule_for(model: type[models.Model]) -> AccessRule | None:
    return _rules.get(model)
