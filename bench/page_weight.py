"""What a family's phone downloads: each family page of the demo, in a few
languages, as Chromium at phone size loads it, HTML and every file the page
asks for, uncompressed and as sent (gzip or brotli). Target: under 30 KB
uncompressed and 12 KB as sent on a first visit; a repeat visit one request.

    .venv/bin/python -m bench.page_weight            # the demo in a temporary SQLite file

Needs Debian's Chromium at /usr/bin/chromium and Playwright for Python
(`make install-test`).
"""
import argparse
import logging
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app
from portal.config import Config
from portal.extensions import db

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
WEIGHT_SCRIPT = """() => {
    const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
    return entries.map((entry) => ({name: entry.name, transfer: entry.transferSize,
                                   encoded: entry.encodedBodySize, decoded: entry.decodedBodySize}));
}"""


def demo_app(folder):
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/weight.db", SECRET_KEY="page-weight-bench",
                     PUBLIC_PAGE_CACHE_SECONDS=0, RATELIMIT_ENABLED=False)
    from portal.demo import seed_demo
    from portal.models import Event, utcnow
    from portal.services.registration import FamilyDetails, register
    from portal.services.schools import ensure_default_school

    with app.app_context():
        db.create_all()
        seed_demo(ensure_default_school(app.config))
        db.session.commit()
        event = db.session.execute(select(Event).where(Event.starts_at > utcnow(), Event.capacity >= 40)
                                   .order_by(Event.starts_at)).scalars().first()
        family = FamilyDetails(name="María González", language="es", adults=1, children=2, phone="+16125550142")
        event_id = event.id
        token = register(event_id, family, utcnow()).token
        db.session.commit()
    return app, event_id, token


def weigh(page, path):
    page.goto(path)
    entries = page.evaluate(WEIGHT_SCRIPT)
    return sum(e["decoded"] for e in entries), sum(e["encoded"] for e in entries), len(entries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="es ar vi fa-AF")
    languages = parser.parse_args().languages.split()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        app, event_id, token = demo_app(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        pages = {"event list": "/", "event": f"/events/{event_id}", "registration form": f"/events/{event_id}/register",
                 "family's page": f"/r/{token}", "we can't come": f"/events/{event_id}/decline"}
        print(f"{'page':<20}{'language':<10}{'requests':>9}{'KB':>8}{'KB sent':>9}{'repeat visit':>14}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for language in languages:
                for name, path in pages.items():
                    context = browser.new_context(base_url=base, **PHONE)
                    page = context.new_page()
                    decoded, encoded, requests = weigh(page, f"{path}?lang={language}")
                    page.goto(f"{path}?lang={language}")
                    fetched = [e for e in page.evaluate(WEIGHT_SCRIPT)[1:] if e["transfer"] > 0]
                    print(f"{name:<20}{language:<10}{requests:>9}{decoded / 1000:>8.1f}{encoded / 1000:>9.1f}"
                          f"{1 + len(fetched):>10} req.")
                    context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
