"""The family's forms: register, change, cancel or delete a registration,
ask for a lost link, say they cannot come; and the household's personal
invitation link."""
from hypothesis import given, strategies as st

from portal.extensions import db as _db
from portal.models import utcnow
from portal.services import registration as registration_service
from tests.fuzz.conftest import fresh_phone, invited_household
from tests.fuzz.harness import (
    FUZZ,
    answered_ok,
    event_id,
    family_desk,
    never,
    only_links_sent_again,
    redirected_with_success,
)
from tests.fuzz.strategies import ANY_TEXT, CSRF, LANGS, form_fields, plausible_registration


@FUZZ
@given(data=st.data())
def test_fuzz_family_register(world, data):
    desk = family_desk(world)
    key = data.draw(st.sampled_from(["open"] * 10 + ["plain"] * 3 + ["closed", "cancelled", "draft", "past",
                                                                      "elsewhere", "missing"]), label="event")
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("register", lambda: desk.post(f"/events/{event_id(world, key)}/register", pairs, csrf, lang),
               csrf, allow=only_links_sent_again)


@FUZZ
@given(data=st.data())
def test_fuzz_family_edit_registration(world, data):
    desk = family_desk(world)
    who = data.draw(st.sampled_from(["María González"] * 3 + ["Nguyễn Thị Lan"] * 3 + ["Amina Yusuf"] * 2 + [
        "Big Waiting Family", "Plain Family", "Gone Family", "Closed Family", "Cancelled Event Family", "bogus"]),
        label="registration")
    token = world.tokens.get(who, "not-a-token-" + "x" * 30)
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("edit registration", lambda: desk.post(f"/r/{token}/edit", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_family_cancel_and_delete(world, data, family):
    desk = family_desk(world)
    action = data.draw(st.sampled_from(["cancel", "delete"]), label="action")
    target = data.draw(st.sampled_from(["fresh"] * 4 + ["cancelled", "bogus", "blank", "long"]), label="whose")
    if target == "fresh":
        registered = registration_service.register(
            world.events["plain"].id, family(name="Fresh Family", phone=fresh_phone()), utcnow())
        _db.session.commit()
        token = registered.token
    else:
        token = {"cancelled": world.tokens["Gone Family"], "bogus": "A" * 22, "blank": "%20",
                 "long": "t" * 65}[target]
    pairs = data.draw(form_fields([]), label="extra fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    success = redirected_with_success if action == "cancel" else answered_ok
    desk.check(f"family {action}", lambda: desk.post(f"/r/{token}/{action}", pairs, csrf, lang), csrf,
               success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_family_link_again(world, data):
    desk = family_desk(world)
    contacts = [contact for registration in world.regs.values()
                for contact in (registration.phone, registration.email) if contact]
    pairs = data.draw(form_fields(world.specs["link_again"], overrides={
        "contact": st.sampled_from(contacts) | ANY_TEXT}), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("link again", lambda: desk.post("/link", pairs, csrf, lang), csrf, success=never,
               allow=only_links_sent_again)


@FUZZ
@given(data=st.data())
def test_fuzz_family_decline(world, data):
    desk = family_desk(world)
    key = data.draw(st.sampled_from(["open"] * 5 + ["plain", "closed", "cancelled", "draft", "past", "missing"]),
                    label="event")
    pairs = data.draw(form_fields(world.specs["decline"]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("decline", lambda: desk.post(f"/events/{event_id(world, key)}/decline", pairs, csrf, lang), csrf)


@FUZZ
@given(data=st.data())
def test_fuzz_invitation_register(world, data):
    desk = family_desk(world)
    who = data.draw(st.sampled_from(["fresh"] * 4 + ["Rosa Díaz"] * 2 + ["Linh Tran", "Amina Farah", "bogus", "long"]),
                    label="invitation")
    if who == "fresh":
        world.invitation_tokens["fresh"] = invited_household(world, _db)
    token = world.invitation_tokens.get(who, "t" * 65 if who == "long" else "A" * 22)
    pairs = data.draw(form_fields(world.specs["registration"], data.draw(plausible_registration())), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("invitation", lambda: desk.post(f"/i/{token}", pairs, csrf, lang), csrf, allow=only_links_sent_again)


@FUZZ
@given(data=st.data())
def test_fuzz_invitation_decline(world, data):
    desk = family_desk(world)
    who = data.draw(st.sampled_from(["fresh"] * 4 + ["Rosa Díaz"] * 2 + ["Linh Tran", "Amina Farah", "bogus"]),
                    label="invitation")
    if who == "fresh":
        world.invitation_tokens["fresh"] = invited_household(world, _db)
    token = world.invitation_tokens.get(who, "A" * 22)
    pairs = data.draw(form_fields(world.specs["decline"]), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    desk.check("invitation decline", lambda: desk.post(f"/i/{token}/decline", pairs, csrf, lang), csrf)
