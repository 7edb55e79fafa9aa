"""`make run` runs `flask send-due --loop` beside the server: one pass of the
worker sends every message the demo queued, printed on the console when no
SMTP or SMS provider is configured."""
import logging

import pytest
from sqlalchemy import func, select

from portal.models import MessageStatus, OutboxMessage


def waiting(db):
    return db.session.execute(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.PENDING)
    ).scalar_one()


@pytest.fixture
def console_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", None)
    # The migration tests run Alembic's fileConfig in this process, which
    # disables every logger that exists by then; `flask send-due` runs alone.
    for name in ("portal.notifications.email", "portal.notifications.sms"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


def test_one_pass_of_the_worker_prints_every_queued_demo_message(app, db, console_only):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo", "--if-empty"])
    assert seeded.exit_code == 0, seeded.output
    queued = waiting(db)
    assert queued > 0
    db.session.remove()

    result = runner.invoke(args=["send-due"])

    assert result.exit_code == 0, result.output
    assert waiting(db) == 0
    printed = result.output.count("Email to ") + result.output.count("SMS to ")
    assert printed == queued
    assert f"{queued} sent" in result.output
    assert "Code: " in result.output  # the message's text itself, not only its envelope
