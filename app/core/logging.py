"""One JSON object per log line, each carrying the current request id.

Kept by hand rather than `structlog` or `python-json-logger`: a `logging.Formatter` of some thirty
lines gives the one format we need, for our lines and uvicorn's alike, with no second logging API
for the code to learn; the libraries earn their keep with processors and bound loggers we don't use.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from app.core.context import request_id_var

# uvicorn passes a `color_message` with ANSI codes alongside each plain message: never written.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"color_message"}


class JsonFormatter(logging.Formatter):
    """Formats records as single-line JSON with the request id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": request_id_var.get(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """Route the root logger (and uvicorn's) through the JSON formatter."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # The request middleware writes the access line; uvicorn's own would duplicate it.
    logging.getLogger("uvicorn.access").disabled = True
