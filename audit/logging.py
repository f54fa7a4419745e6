import logging

from .context import request_id_var


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record so a log line leads to its audit rows."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
