"""The API's one exception handler: every refusal has one of the shapes the schema
documents (``portal.api_schema``).

DRF answers most refusals ``{"detail": "..."}`` and invalid input per field. A
ValidationError raised outside a serializer's own validation (a service's refusal in
``create()``, say) would come out as a bare list of messages; it is put under
``non_field_errors``, as the same message raised in ``validate()`` is.
"""

from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response
