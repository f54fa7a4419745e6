from django.http import Http404

from .access import rule_for
from .models import StoredFile


def stored_file_get_for_user(*, user, pk) -> StoredFile:
    """The file if ``user`` may see it; otherwise 404, so its existence is not revealed."""
    try:
        stored = StoredFile.objects.select_related("attached_type").get(pk=pk)
    except (StoredFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if user.is_superuser or user.has_perm("uploads.view_storedfile"):
        return stored
    if stored.uploaded_by_id == user.pk:
        return stored
    if stored.attached_type_id:
        model = stored.attached_type.model_class()
        rule = rule_for(model) if model else None
        target = stored.attached_to if rule else None
        if rule and target is not None and rule(user, target):
            return stored
    raise Http404
