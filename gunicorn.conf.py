"""gunicorn settings for the portal (used by the Procfile and the benchmarks)."""
import os
import re

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Families on slow phones: let a request take a while, but not forever.
timeout = 30
graceful_timeout = 20
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None
control_socket_disable = True

# Secret links carry a token in the path: the access log never shows it.
SECRET_PATH = re.compile(r"/(r|staff/password|unsubscribe)/[^/?\s]+")
QUERY = re.compile(r"\?\S*")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key == "q" or "query_string" in key:
                # Query strings may hold a search for a family's name.
                atoms[key] = ""
            elif "/" in value:
                atoms[key] = QUERY.sub("?[query]", SECRET_PATH.sub(r"/\1/[token]", value))
        return atoms


logger_class = RedactingLogger


def on_starting(server):
    from portal.config import Config, rate_limit_storage_warning

    warning = rate_limit_storage_warning(Config, server.cfg.workers)
    if warning:
        server.log.warning(warning)
