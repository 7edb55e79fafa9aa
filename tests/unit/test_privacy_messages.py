"""What the outbox and the exports keep about a family: a forgotten family
leaves no address in a message's error or provider id (nor on the
dashboard), an admin's privacy export shows only their own school's
opt-outs, and no CSV cell starts like a formula, full-width or not."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

import portal.public  # noqa: F401  (before the worker: see tests/unit/test_outbox.py)
from portal.models import MessageStatus, OutboxMessage
from portal.organizer.export import neutralize
from portal.services import outbox, privacy, registration as registration_service
from portal.services.schools import ensure_school
from tests.web.helpers import text_of
from tests.web.test_organizer import organizer, staff  # noqa: F401  (fixtures)

register = registration_service.register
OLD_ERROR = "SMTP: (550, b'5.1.1 <hodan@example.org>: Recipient address rejected')"


def messages_of(db, registration_id):
    db.session.expire_all()
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration_id)
    ).scalars().all()


def failed_with_old_error(db, registration_id):
    """The message failed, its error naming the address, as errors were kept before."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.registration_id == registration_id)
                       .values(status=MessageStatus.FAILED, last_error=OLD_ERROR, provider_id="<id@example.org>"))
    db.session.commit()


def test_erasing_a_family_clears_their_messages_errors_and_provider_ids(db, staff, event, family, now):
    registered = register(event.id, family(name="Hodan Abdi", email="hodan@example.org", phone=None), now)
    db.session.commit()
    failed_with_old_error(db, registered.registration.id)
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert "<h3>Could not be delivered</h3>" in dashboard and "hodan@example.org" in dashboard

    privacy.erase_registration(registered.registration, now)
    db.session.commit()

    [message] = messages_of(db, registered.registration.id)
    assert (message.recipient, message.last_error, message.provider_id, message.payload) == ("", "", "", {})
    dashboard = text_of(staff.get(f"/staff/events/{event.id}"))
    assert "hodan@example.org" not in dashboard
    assert "<h3>Could not be delivered</h3>" not in dashboard  # nobody left to reach another way


def test_anonymize_old_clears_messages_of_families_forgotten_before(app, db, make_event, family):
    old = make_event(days=-400)
    registered = register(old.id, family(email="hodan@example.org", phone=None), old.starts_at - timedelta(days=7))
    db.session.commit()
    registration_id = registered.registration.id
    privacy.erase_registration(registered.registration, old.starts_at - timedelta(days=1))
    db.session.commit()
    failed_with_old_error(db, registration_id)  # left behind by an earlier erasure

    result = app.test_cli_runner().invoke(args=["anonymize-old", "--days", "365"])
    assert result.exit_code == 0, result.output

    [message] = messages_of(db, registration_id)
    assert (message.recipient, message.last_error, message.provider_id) == ("", "", "")


def test_anonymize_old_leaves_the_messages_of_recent_events(db, make_event, family, now):
    recent = make_event(days=-10)
    registered = register(recent.id, family(email="ana@example.org", phone=None), now - timedelta(days=20))
    db.session.commit()
    failed_with_old_error(db, registered.registration.id)
    privacy.anonymize_older_than(365, now)
    db.session.commit()
    [message] = messages_of(db, registered.registration.id)
    assert (message.recipient, message.last_error) == ("ana@example.org", OLD_ERROR)


def test_the_privacy_export_lists_only_the_opt_outs_of_people_this_school_knows(db, school, make_event, family, now):
    other_school = ensure_school("Roosevelt Middle", "roosevelt", "America/Chicago", "en")
    db.session.commit()
    ours = make_event()
    theirs = make_event(school_id=other_school.id)
    register(ours.id, family(email="ana@example.org", phone="+16125550111"), now)
    register(theirs.id, family(email="zoe@example.org", phone="+16125550222"), now)
    for channel, address in [("email", "ana@example.org"), ("sms", "+16125550111"),
                             ("email", "zoe@example.org"), ("sms", "+16125550222")]:
        outbox.suppress(channel, address, now)
    db.session.commit()

    known = privacy.export_contact(school.id, "ana@example.org")
    assert [(row["channel"], row["address"]) for row in known["stopped_messages"]] == [("email", "ana@example.org")]
    assert privacy.export_contact(school.id, "(612) 555-0111")["stopped_messages"][0]["address"] == "+16125550111"
    for contact in ("zoe@example.org", "(612) 555-0222"):
        stranger = privacy.export_contact(school.id, contact)
        assert stranger["registrations"] == [] and stranger["stopped_messages"] == []
    assert privacy.export_contact(other_school.id, "zoe@example.org")["stopped_messages"] != []


# -- CSV -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    "＝HYPERLINK(\"http://x\")", "﹦1+1", "＋1 555", "－2", "＠SUM(A1)", " =1+1", "\u3000=1+1", "\u00a0+1",
    "\t=1", "\r=1", "\n=1", "=1", "+1", "-1", "@x",
])
def test_a_cell_that_a_spreadsheet_would_run_is_kept_as_text(cell):
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["María", "(612) 555-0111", "3", "Ｍaría", "ana@example.org", "", "1 = 1"])
def test_an_ordinary_cell_is_left_as_it_is(cell):
    assert neutralize(cell) == cell


def test_the_csv_export_neutralizes_a_full_width_equals_sign(db, staff, event, family, now):
    register(event.id, family(name="＝HYPERLINK(\"http://x\",\"Click\")", note="﹦1+1"), now)
    db.session.commit()
    body = text_of(staff.get(f"/staff/events/{event.id}/registrations.csv"))
    [header, row] = list(csv.reader(io.StringIO(body[1:])))
    assert row[0] == "'＝HYPERLINK(\"http://x\",\"Click\")"
    assert row[header.index("Note")] == "'﹦1+1"
