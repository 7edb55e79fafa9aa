"""The sample roster of about 500 students, imported; its households invited
to an event; answers by text through the SMS webhook and calls from the
call list: the not-reached lists shrink as families answer."""
from sqlalchemy import select

from portal.clock import to_local
from portal.models import CallOutcome, Household, Invitation, InvitationAnswer, Registration, Source
from portal.sample_roster import sample_roster
from portal.services import invitations, reach, roster
from tests.servers import twilio  # noqa: F401  (fixture)
from tests.unit.test_roster import rows_of
from tests.web.helpers import post, text_of
from tests.web.test_invitations import inbound, sms_app  # noqa: F401  (sms_app: a fixture)


def invited_by_text(db, event, language):
    return db.session.execute(
        select(Invitation).join(Household, Household.id == Invitation.household_id)
        .where(Invitation.event_id == event.id, Invitation.channel == "sms", Household.language == language)
        .order_by(Invitation.id)).scalars().all()


def test_the_lists_shrink_as_families_answer(app, db, school, make_event, client, signed_in, now, sms_app):
    staff = signed_in("organizer")
    sample = sample_roster()
    roster.import_roster(school, rows_of(sample.csv), now)
    event = make_event(grades=["K", "1", "2", "3", "4", "5"], capacity=400)
    sent = invitations.send_invitations(event, None, ["K", "1", "2", "3", "4", "5"], app.config["SECRET_KEY"], now)
    db.session.commit()
    since = to_local(now, school.tz).date()
    before = reach.not_reached(school, since)
    assert before.roster_households == sample.households
    assert before.total == sample.households  # nobody has answered anything yet
    counts = dict(reach.status_counts(reach.event_standings(event)))
    assert counts[reach.ReachStatus.NO_ANSWER] == sent.households
    assert counts[reach.ReachStatus.NO_CONTACT] == sent.no_contact > 0

    # Texts: yes in Spanish, yes in Arabic, "2" then a reason in Vietnamese.
    spanish, arabic, vietnamese = (invited_by_text(db, event, code)[0] for code in ("es", "ar", "vi"))
    inbound(client, "sí", spanish.household.phone, "SM" + "1" * 32)
    inbound(client, "١", arabic.household.phone, "SM" + "2" * 32)
    inbound(client, "2", vietnamese.household.phone, "SM" + "3" * 32)
    inbound(client, "3", vietnamese.household.phone, "SM" + "4" * 32)
    db.session.expire_all()
    assert (spanish.answer, arabic.answer, vietnamese.answer) == (
        InvitationAnswer.REGISTERED, InvitationAnswer.REGISTERED, InvitationAnswer.CANT_COME)

    # A call from the call list: a Somali family with no answer yet, reached by phone.
    somali = invited_by_text(db, event, "so")[0].household
    response = post(staff, f"/staff/events/{event.id}/calls/{somali.id}",
                    {f"call{somali.id}-outcome": "reached_coming"})
    assert response.status_code == 302
    registration = db.session.execute(select(Registration).where(
        Registration.household_id == somali.id)).scalar_one()
    assert registration.source == Source.STAFF
    assert db.session.execute(select(CallOutcome.outcome)).scalar_one() == "reached_coming"

    after = reach.not_reached(school, since)
    assert after.total == before.total - 4
    assert {spanish.household_id, arabic.household_id, vietnamese.household_id, somali.id}.isdisjoint(
        {row.household.id for row in after.households})
    standings = {standing.household.id: standing for standing in reach.event_standings(event)}
    assert standings[vietnamese.household_id].status == reach.ReachStatus.CANT_COME
    assert standings[vietnamese.household_id].reason == "childcare"
    assert standings[somali.id].status == reach.ReachStatus.REGISTERED
    calls = text_of(staff.get(f"/staff/events/{event.id}/calls"))
    assert f"household-{somali.id}\"" not in calls and f"household-{spanish.household_id}\"" not in calls

    today = to_local(now, school.tz).date()
    report = reach.school_reach(school, today, today.replace(year=today.year + 1))
    assert report.total.registered == 3
    assert sum(row.households for row in report.by_language) == sample.households
