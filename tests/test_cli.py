"""The `flask` commands, run through Flask's CLI runner against the test
database: each test reads what the command wrote and what it printed."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from portal.cli import DEMO_PASSWORD, DEMO_USERS
from portal.models import Event, MessageStatus, OutboxMessage, Registration, Student, User, utcnow
from portal.services import registration as registration_service

STRONG_PASSWORD = "violet kettle under harbor"


@pytest.fixture
def flask_cli(app, db):
    """flask_cli("command", "--option", ...) -> the click Result. The command
    runs in its own app context, so the test reads what it committed."""
    runner = app.test_cli_runner()

    def run(*args, **kwargs):
        result = runner.invoke(args=list(args), **kwargs)
        db.session.rollback()
        return result

    return run


def count(db, model, *conditions):
    return db.session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


# -- seed-demo ------------------------------------------------------------------------------

def test_seed_demo_creates_the_demo_school_with_events_registrations_and_staff(db, flask_cli):
    result = flask_cli("seed-demo")

    assert result.exit_code == 0, result.output
    events, registrations = count(db, Event), count(db, Registration)
    assert events >= 5 and registrations >= 20
    students = count(db, Student)
    assert students >= 200
    assert (f"Demo data: {events} events, {registrations} registrations and a roster of {students} students "
            "at Lincoln Elementary") in result.output
    users = {user.email: user for user in db.session.execute(select(User)).scalars()}
    for email, name, role in DEMO_USERS:
        assert (users[email].name, users[email].role) == (name, role)
        assert check_password_hash(users[email].password_hash, DEMO_PASSWORD)


def test_seed_demo_if_empty_adds_nothing_the_second_time(db, flask_cli):
    first = flask_cli("seed-demo", "--if-empty")
    assert first.exit_code == 0, first.output
    events, registrations, users = count(db, Event), count(db, Registration), count(db, User)
    assert events

    second = flask_cli("seed-demo", "--if-empty")

    assert second.exit_code == 0, second.output
    assert second.output.strip() == "The database already has events; demo data not added."
    assert (count(db, Event), count(db, Registration), count(db, User)) == (events, registrations, users)


# -- demo-info ------------------------------------------------------------------------------

def test_demo_info_prints_the_address_and_every_demo_account(db, flask_cli):
    result = flask_cli("demo-info", "--url", "http://portal.test:8000")

    assert result.exit_code == 0, result.output
    assert "Family Events Portal: http://portal.test:8000" in result.output
    assert f"password: {DEMO_PASSWORD}" in result.output
    for email, _name, role in DEMO_USERS:
        assert any(line.split() == [role, email] for line in result.output.splitlines()), result.output
    assert count(db, User) == 0


# -- create-user ----------------------------------------------------------------------------

def test_create_user_creates_a_staff_account_with_its_role(db, flask_cli):
    result = flask_cli("create-user", "--email", "Nora@Lincoln.example", "--name", "Nora Organizer",
                       "--role", "organizer", "--password", STRONG_PASSWORD)

    assert result.exit_code == 0, result.output
    assert "Created organizer nora@lincoln.example at Lincoln Elementary" in result.output
    user = db.session.execute(select(User)).scalar_one()
    assert (user.email, user.name, user.role) == ("nora@lincoln.example", "Nora Organizer", "organizer")
    assert check_password_hash(user.password_hash, STRONG_PASSWORD)


def test_create_user_asks_for_the_password_twice_when_left_out(db, flask_cli):
    result = flask_cli("create-user", "--email", "desk@lincoln.example", "--name", "Dee Desk",
                       "--role", "frontdesk", input=f"{STRONG_PASSWORD}\n{STRONG_PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert db.session.execute(select(User.role)).scalar_one() == "frontdesk"


def test_create_user_refuses_a_role_that_does_not_exist(db, flask_cli):
    result = flask_cli("create-user", "--email", "boss@lincoln.example", "--name", "Boss",
                       "--role", "superuser", "--password", STRONG_PASSWORD)

    assert result.exit_code != 0
    assert "Invalid value for '--role'" in result.output and "'superuser' is not one of" in result.output
    assert count(db, User) == 0


@pytest.mark.parametrize("password, words", [
    ("short one", "needs at least 12 characters"),
    ("password1234", "too easy to guess"),
    ("desk@lincoln.example", "may not be the email address"),
])
def test_create_user_refuses_a_weak_password_in_words(db, flask_cli, password, words):
    result = flask_cli("create-user", "--email", "desk@lincoln.example", "--name", "Dee Desk",
                       "--role", "frontdesk", "--password", password)

    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and words in result.output, result.output
    assert "password_" not in result.output  # the sentence, not the rule's code
    assert count(db, User) == 0


def test_create_user_refuses_an_email_already_taken(db, flask_cli):
    args = ["create-user", "--email", "desk@lincoln.example", "--name", "Dee Desk", "--role", "frontdesk",
            "--password", STRONG_PASSWORD]
    assert flask_cli(*args).exit_code == 0

    again = flask_cli(*args)

    assert again.exit_code == 1
    assert "An account with this email already exists." in again.output
    assert count(db, User) == 1


def test_create_user_refuses_an_unknown_school(db, flask_cli):
    result = flask_cli("create-user", "--email", "desk@lincoln.example", "--name", "Dee Desk",
                       "--role", "frontdesk", "--school", "nowhere", "--password", STRONG_PASSWORD)

    assert result.exit_code == 1
    assert "No school with the slug 'nowhere'." in result.output
    assert count(db, User) == 0


# -- send-due -------------------------------------------------------------------------------

def test_send_due_delivers_due_messages_to_the_console_once(db, flask_cli, event, family, caplog):
    now = utcnow()
    code = registration_service.register(event.id, family(name="Amina Yusuf"), now).registration.checkin_code
    db.session.commit()
    due = db.session.execute(select(OutboxMessage)).scalars().all()
    assert due and all(message.status == MessageStatus.PENDING for message in due)

    with caplog.at_level(logging.INFO, logger="portal.notifications"):
        first = flask_cli("send-due")

    assert first.exit_code == 0, first.output
    # The console stand-in prints each message, then the count.
    assert first.output.strip().splitlines()[-1] == f"{len(due)} {MessageStatus.SENT}"
    assert f"Code: {code}" in first.output
    sent = db.session.execute(select(OutboxMessage)).scalars().all()
    assert all(message.status == MessageStatus.SENT and message.sent_at for message in sent)
    assert "SMS to +1612555****" in caplog.text and f"Code: {code}" in caplog.text  # the console stand-in

    second = flask_cli("send-due")

    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Nothing to send."
    assert [(m.id, m.status, m.attempts) for m in db.session.execute(select(OutboxMessage)).scalars()] == [
        (m.id, m.status, m.attempts) for m in sent]


def test_send_due_with_nothing_due_says_so(db, flask_cli):
    result = flask_cli("send-due")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Nothing to send."


# -- anonymize-old --------------------------------------------------------------------------

@pytest.fixture
def old_and_recent(db, app, make_event, family):
    """A family of an event that ended just over RETENTION_DAYS ago, and one
    of an event that ended just under it."""
    days = app.config["RETENTION_DAYS"]
    now = utcnow()
    old_event, recent_event = make_event(), make_event()
    old = registration_service.register(
        old_event.id, family(name="Old Family", email="old@example.org"), now).registration
    recent = registration_service.register(
        recent_event.id, family(name="Recent Family", email="recent@example.org"), now).registration
    for event, ended in ((old_event, days + 1), (recent_event, days - 1)):
        event.ends_at = utcnow().replace(microsecond=0) - timedelta(days=ended)
        event.starts_at = event.ends_at - timedelta(hours=2)
        event.registration_deadline = None
    db.session.commit()
    return days, old.id, recent.id


def test_anonymize_old_forgets_families_of_events_past_retention_only(db, flask_cli, old_and_recent):
    days, old_id, recent_id = old_and_recent

    result = flask_cli("anonymize-old")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Anonymized 1 registrations of events that ended more than {days} days ago."
    old, recent = db.session.get(Registration, old_id), db.session.get(Registration, recent_id)
    assert old.name != "Old Family" and old.email is None and old.phone is None
    assert "old@example.org" not in {m.recipient for m in db.session.execute(select(OutboxMessage)).scalars()}
    assert (recent.name, recent.email) == ("Recent Family", "recent@example.org") and recent.phone

    again = flask_cli("anonymize-old")
    assert again.output.startswith("Anonymized 0 registrations")


def test_anonymize_old_takes_a_shorter_period_from_days(db, flask_cli, old_and_recent):
    _days, old_id, recent_id = old_and_recent

    result = flask_cli("anonymize-old", "--days", "1")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Anonymized 2 registrations of events that ended more than 1 days ago.")
    assert {db.session.get(Registration, id).email for id in (old_id, recent_id)} == {None}
