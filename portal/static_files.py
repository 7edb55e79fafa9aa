"""Static files for slow phones: each file's name carries a hash of its
content, so a browser may keep it for a year and never ask again; a new
version is a new name. The hashed copies, with their gzip and brotli forms,
are written once at start-up and served by WhiteNoise before Flask is
reached. Pages link to them through url_for('static', filename=...)."""
import hashlib
import os
import tempfile
from pathlib import Path

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

ONE_YEAR = 365 * 24 * 3600
HASH_LENGTH = 12


def hashed_name(name, content):
    stem, dot, extension = name.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return f"{stem}.{digest}.{extension}" if dot else f"{name}.{digest}"


def _write_once(path, data):
    """Write `path` unless it is already there; atomic, so that several
    workers starting together never serve half a file."""
    if path.exists():
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def build_hashed_copies(source, target):
    """{'portal.css': 'portal.1a2b3c4d5e6f.css', ...} for every file in `source`,
    with the copies (and their compressed forms) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    compressor = Compressor(quiet=True)
    names = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(source).as_posix()
        content = path.read_bytes()
        names[name] = hashed_name(name, content)
        copy = target / names[name]
        copy.parent.mkdir(parents=True, exist_ok=True)
        _write_once(copy, content)
        if not compressor.should_compress(name):
            continue
        for suffix, compress in ((".gz", compressor.compress_gzip), (".br", compressor.compress_brotli)):
            packed_path = copy.with_name(copy.name + suffix)
            if packed_path.exists() or (suffix == ".br" and not compressor.use_brotli):
                continue
            packed = compress(content)
            if len(packed) < len(content):
                _write_once(packed_path, packed)
    return names


class YearLongWhiteNoise(WhiteNoise):
    # A year is what caches and audits expect of "immutable"; WhiteNoise's own is ten.
    FOREVER = ONE_YEAR


def _plain_headers(headers, path, url):
    headers["X-Content-Type-Options"] = "nosniff"


def install_static_files(app):
    names = build_hashed_copies(Path(app.static_folder), Path(app.instance_path) / "static")

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    app.wsgi_app = YearLongWhiteNoise(
        app.wsgi_app, root=str(Path(app.instance_path) / "static"), prefix=app.static_url_path.strip("/") + "/",
        max_age=ONE_YEAR, immutable_file_test=lambda path, url: True, add_headers_function=_plain_headers,
    )
