"""Browser tests: the real app served on 127.0.0.1, driven by Debian's
Chromium through Playwright, at phone size, with axe-core checking each page.

The browser is the system one (/usr/bin/chromium): never `playwright install`,
which downloads a browser of its own. Tests skip (or fail, with REQUIRE_ALL)
when Playwright, Chromium or axe-core is missing."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(app):
    """The suite's app (and so its test database) on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed: run `make install-test` "
                     "(or .venv/bin/pip install -r requirements-dev.txt) to run the browser tests")
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not at {CHROMIUM}: run `apt-get install chromium` to run the browser "
                     "tests (not `playwright install`, which downloads a browser of its own)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_phone_page(browser, live_server, bypass_csp=True):
    # The site's CSP is `script-src 'self'`, and add_script_tag injects axe
    # as an inline script, which that policy blocks: so the checked pages
    # bypass CSP. test_pages_work_under_the_real_csp keeps the policy on.
    context = browser.new_context(base_url=live_server, bypass_csp=bypass_csp, **PHONE)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def phone(request, browser, live_server):
    """A fresh phone-sized browser (no cookies) and a page in it."""
    context, page = new_phone_page(browser, live_server)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        except Exception:  # a screenshot is a bonus; never hide the real failure
            pass
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.report_call = report
    return report


def axe_check(page):
    """Run axe-core on the page as it is now; fail listing every violation."""
    if not AXE_SCRIPT.exists():
        skip_or_fail(f"axe-core is missing ({AXE_SCRIPT.relative_to(ROOT)}): run `npm install` "
                     "in the repository root (or `make test-tools`) to run the accessibility checks")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            pytest.fail("axe-core did not load in the page: is the context's bypass_csp on?")
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    report = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} -> {', '.join(v['targets'])}" for v in violations
    )
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{report}"
