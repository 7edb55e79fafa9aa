"""An uploaded roster file kept on the server between the upload, the
column mapping, the preview and the import: the browser holds only a
random key (in the signed session), never the rows it could alter."""
import re
import secrets
import time
from pathlib import Path

from flask import current_app, session

SESSION_KEY = "roster_upload"
# Uploads nobody imported or cancelled are removed after this long.
KEEP_SECONDS = 2 * 3600
_KEY = re.compile(r"[0-9a-f]{32}")


def upload_dir():
    folder = Path(current_app.config.get("ROSTER_UPLOAD_DIR") or Path(current_app.instance_path) / "roster_uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_stale(now=None):
    now = now or time.time()
    for path in upload_dir().glob("*.upload"):
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass


def keep(data, filename, user, kind):
    """Store the bytes; the key that finds them again, remembered in the session."""
    remove_stale()
    discard()
    key = secrets.token_hex(16)
    (upload_dir() / f"{key}.upload").write_bytes(data)
    session[SESSION_KEY] = {"key": key, "filename": filename[:200], "user_id": user.id, "kind": kind,
                            "mapping": None}
    return key


def current(key, user):
    """This session's upload with `key`, or None (another key, another user, expired)."""
    upload = session.get(SESSION_KEY)
    if not upload or not _KEY.fullmatch(key or "") or upload.get("key") != key or upload.get("user_id") != user.id:
        return None
    path = upload_dir() / f"{key}.upload"
    if not path.exists():
        return None
    return dict(upload, data=path.read_bytes())


def remember_mapping(mapping):
    upload = dict(session[SESSION_KEY])
    upload["mapping"] = {name: index for name, index in mapping.items()}
    session[SESSION_KEY] = upload


def discard():
    upload = session.pop(SESSION_KEY, None)
    if upload and _KEY.fullmatch(upload.get("key", "")):
        (upload_dir() / f"{upload['key']}.upload").unlink(missing_ok=True)
