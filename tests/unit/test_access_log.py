"""The gunicorn access log never shows a manage token or a search."""
import importlib.util
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config


def load_settings():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_settings", Path(__file__).resolve().parents[2] / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tokens_and_queries_are_redacted():
    settings = load_settings()
    logger = settings.RedactingLogger(Config())
    request = SimpleNamespace(headers=[], method="GET", path="/r/AbCdEf123/edit", query="q=maria",
                              version=(1, 1), uri="/r/AbCdEf123/edit?q=maria")
    response = SimpleNamespace(status="200 OK", headers=[], response_length=10, sent=10)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/r/AbCdEf123/edit?q=maria", "PATH_INFO": "/r/AbCdEf123/edit",
               "QUERY_STRING": "q=maria", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    from datetime import timedelta

    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    logged = " ".join(str(value) for value in atoms.values())
    assert "AbCdEf123" not in logged and "maria" not in logged
    assert atoms["r"] == "GET /r/[token]/edit?[query] HTTP/1.1"
