from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from audit.services import audit_record

from .selectors import stored_file_get_for_user


@require_GET
def download(request: HttpRequest, pk) -> FileResponse:
    stored = stored_file_get_for_user(user=request.user, pk=pk)
    audit_record(actor=request.user, action="file.downloaded", target=stored)
    inline = request.GET.get("inline") == "1" and stored.content_type.startswith("image/")
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
