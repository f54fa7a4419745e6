from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A row whose edits carry the version they started from.

    Saving an edit made on an older version is refused (see ``versioning.services``), so
    nobody overwrites a change they have not seen.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
