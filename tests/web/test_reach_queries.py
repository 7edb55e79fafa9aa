"""The reach pages run as many SQL statements for 4 households as for 40:
no query per household, message or call."""
import itertools

import pytest
from sqlalchemy import select

from portal.clock import to_local
from portal.models import CallResult, Invitation, MessageStatus, OutboxMessage, Registration, Suppression
from portal.services import invitations, reach, registration as registration_service
from tests.invitation_helpers import make_household
from tests.web.test_query_counts import statements_for

SECRET = "test-secret"
LANGUAGES = ["es", "so", "vi", "ar", "en"]
_phones = itertools.count(3000)


def grow(db, school, event, now, households):
    """`households` more households, invited, some answering, some called."""
    made = []
    for index in range(households):
        number = next(_phones)
        phone = f"+1612555{number:04d}" if index % 5 else None
        made.append(make_household(db, school, f"Household {number}", LANGUAGES[index % len(LANGUAGES)],
                                   phone=phone, email=None if phone else f"h{number}@example.org",
                                   grades=(["1", "2", "3"][index % 3], "K")))
    db.session.add(Suppression(channel="sms", address=made[1].phone))
    invitations.send_invitations(event, None, ["K", "1", "2", "3"], SECRET, now)
    for index, household in enumerate(made):
        invitation = db.session.execute(select(Invitation).where(
            Invitation.household_id == household.id)).scalar_one_or_none()
        if invitation is None:
            continue
        if index % 4 == 0:
            invitations.register(invitation, invitations.prefilled_details(invitation), now)
        elif index % 4 == 1:
            invitations.decline(invitation, now, reason="work")
        elif index % 4 == 2:
            reach.record_call(event, household, None, CallResult.NO_ANSWER, now, note="Try after 6")
            db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.invitation_id == invitation.id)
                               .values(status=MessageStatus.FAILED))
    db.session.commit()


@pytest.fixture
def pages(event, school, now):
    today = to_local(now, school.tz).date()
    return [f"/staff/events/{event.id}/reach", f"/staff/events/{event.id}/calls",
            f"/staff/events/{event.id}/calls?status=", "/staff/not-reached", "/staff/not-reached.csv",
            f"/staff/reports/reach?start={today}&end={today.replace(year=today.year + 1)}",
            "/staff/reports/reach.csv"]


def test_statements_do_not_grow_with_households(app, db, school, event, signed_in, now, pages, family):
    staff = signed_in("organizer")
    grow(db, school, event, now, 4)
    small = {page: len(statements_for(staff, db, page)) for page in pages}
    grow(db, school, event, now, 36)
    registration_service.register(event.id, family(), now)
    db.session.commit()
    assert db.session.execute(select(Registration)).scalars().all()
    large = {page: len(statements_for(staff, db, page)) for page in pages}
    assert large == small
    assert max(small.values()) <= 20, small
