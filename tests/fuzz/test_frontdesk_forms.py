"""The front desk's forms: check in, admit, undo, walk-ins, the scanner and
the search, each as a plain form and as the JSON the page's script sends."""
from urllib.parse import quote

from hypothesis import given, strategies as st

from tests.fuzz.harness import FUZZ, MISSING_ID, event_id, frontdesk_desk, json_ok, never, redirected_with_success
from tests.fuzz.strategies import (
    CSRF,
    GARBAGE,
    LANGS,
    PHONES,
    Spec,
    form_fields,
    json_bodies,
    number_text,
    triggers_known_bug,
)


def frontdesk_post(desk, data, url, pairs, csrf, lang):
    """The same action as a plain form, or as JSON as the page's script sends it."""
    as_json = data.draw(st.booleans(), label="as JSON")
    body = data.draw(json_bodies(pairs), label="JSON body") if as_json else None
    success = json_ok if as_json else redirected_with_success
    return (lambda: desk.post(url, pairs, csrf, lang, as_json=body)), success


def any_frontdesk_desk(world, data):
    return frontdesk_desk(world, data.draw(st.sampled_from([world.frontdesk, world.frontdesk, world.organizer]),
                                      label="staff"))


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_check_in_admit_undo(world, data):
    desk = any_frontdesk_desk(world, data)
    action = data.draw(st.sampled_from(["checkin", "checkin", "admit", "undo"]), label="action")
    key = data.draw(st.sampled_from(["tonight"] * 10 + ["open", "cancelled", "draft", "elsewhere", "missing"]),
                    label="event")
    who = data.draw(st.sampled_from(["José Núñez", "Lan Tran", "Late Arrival", "Tonight Waiting", "Tonight Gone",
                                     "María González", "Other School Family", "missing"]), label="registration")
    registration_id = world.regs[who].id if who in world.regs else MISSING_ID
    specs = world.specs["client_key" if action == "undo" else "arrived"]
    pairs = data.draw(form_fields(specs, overrides={"adults": st.sampled_from(["", "0", "1", "2"]),
                                                    "children": st.sampled_from(["", "0", "1", "3"])}),
                      label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    url = f"/staff/frontdesk/events/{event_id(world, key)}/registrations/{registration_id}/{action}"
    send, success = frontdesk_post(desk, data, url, pairs, csrf, lang)
    desk.check(f"door {action}", send, csrf, success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_walk_in(world, data):
    desk = any_frontdesk_desk(world, data)
    key = data.draw(st.sampled_from(["tonight"] * 10 + ["open", "cancelled", "draft", "elsewhere", "missing"]),
                    label="event")
    pairs = data.draw(form_fields(world.specs["walk_in"], {
        "walkin-adults": number_text([1, 2]), "walkin-children": number_text([0, 1, 3]),
        "walkin-childcare_children": st.just("") | number_text([0, 1]), "walkin-phone": st.just("") | PHONES}),
        label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    send, success = frontdesk_post(desk, data, f"/staff/frontdesk/events/{event_id(world, key)}/walk-in", pairs, csrf,
                              lang)
    desk.check("walk-in", send, csrf, success=success)


@FUZZ
@given(data=st.data())
def test_fuzz_frontdesk_scan_and_search(world, data):
    desk = any_frontdesk_desk(world, data)
    key = data.draw(st.sampled_from(["tonight"] * 6 + ["open", "cancelled", "elsewhere", "missing"]), label="event")
    codes = [registration.checkin_code for registration in world.regs.values()]
    typed = st.one_of(
        st.sampled_from(codes).flatmap(lambda code: st.sampled_from(
            [code, code.lower(), f" {code[:3]}-{code[3:]} ", f"{code}\n"])),
        st.sampled_from(["jose", "JOSÉ", "núñez", "lan tran", "0123", "2000", "jose@", "amina@example.org",
                         "nguyen", "%", "_", "\\", "a b c d e f g h"]),
        GARBAGE,
    ).filter(lambda text: not triggers_known_bug("q", text))
    query = data.draw(typed, label="typed")
    pairs = data.draw(form_fields([Spec("q", "text"), Spec("client_key", "key")], overrides={"q": st.just(query)}),
                      label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    base = f"/staff/frontdesk/events/{event_id(world, key)}"
    send, success = frontdesk_post(desk, data, f"{base}/scan", pairs, csrf, lang)
    desk.check("scan", send, csrf, success=success)
    # The search box without the script, and the script's search: GETs, which change nothing.
    page = data.draw(st.sampled_from(["", "1", "2", "0", "-1", "99999", "x", "²", "١"])
                     .filter(lambda text: not triggers_known_bug("page", text)), label="page")
    url = data.draw(st.sampled_from([f"{base}?q={quote(query)}&page={quote(page)}",
                                     f"{base}/search.json?q={quote(query)}"]), label="search")
    desk.check("search", lambda: desk.get(url, lang), success=never)
