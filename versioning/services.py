"""Optimistic concurrency: an edit names the version it started from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleVersionError(Exception):
    """The row changed since the editor loaded it."""

    message = _("Someone else changed this record after you opened it. Your input is kept "
                "below: reload the record in another tab to see their change, then save "
                "again.")

    def __init__(self, *, current: int | None):
        super().__init__(str(self.message))
        self.current = current


def version_claim(*, instance: models.Model, expected: int) -> int:
    """Lock the row and check ``expected`` is its version; return the next version.

    Call inside the transaction that saves the edit: the row lock makes a second editor
    of the same version wait, then fail, so exactly one of two concurrent edits wins.
    """
    current = (
        type(instance)._default_manager.select_for_update()
        .filter(pk=instance.pk).values_list("version", flat=True).first()
    )
    if current is None or current != expected:
        raise StaleVersionError(current=current)
    return current + 1
