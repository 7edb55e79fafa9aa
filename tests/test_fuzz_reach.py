"""Fuzz the call form and the filters of the pages of families not yet
reached, the way tests/test_fuzz_forms.py fuzzes every other form: never a
5xx, and nothing changes in the database unless the answer is a success.

Run it alone:   .venv/bin/python -m pytest tests/test_fuzz_reach.py
"""
import pytest
from hypothesis import given, strategies as st

from portal.models import CallResult, DeclineReason
from portal.organizer.reach_forms import call_form
from portal.services import invitations
from tests.invitation_helpers import make_household
from tests.test_fuzz_forms import (  # noqa: F401  (world is a fixture)
    ANY_TEXT,
    CSRF,
    FUZZ,
    LANGS,
    MISSING_ID,
    TRICKY,
    event_id,
    form_fields,
    form_specs,
    never,
    organizer_desk,
    world,
)

SECRET = "test-secret"


@pytest.fixture
def households(world, db):
    """Households of the roster, invited to the open event; and one of the other school."""
    school = world.school
    made = {
        "invited": make_household(db, school, "Rosa Díaz", "es", phone="+16125550301", grades=("1",)),
        "by email": make_household(db, school, "Linh Tran", "vi", email="linh.tran@example.org", grades=("2",)),
        "no contact": make_household(db, school, "Nadia Nobody", "so", grades=("3",)),
        "elsewhere": make_household(db, world.other_school, "Stranger", "en", phone="+16125550399"),
    }
    invitations.send_invitations(world.events["open"], None, ["1", "2", "3"], SECRET, world.now)
    db.session.commit()
    return {key: household.id for key, household in made.items()}


@st.composite
def plausible_call(draw, household_id):
    prefix = f"call{household_id}-"
    outcome = draw(st.sampled_from(CallResult.values()))
    reason = draw(st.sampled_from(DeclineReason.values())) if outcome == CallResult.REACHED_CANT_COME else \
        draw(st.sampled_from(["", *DeclineReason.values()]))
    return {prefix + "outcome": st.just(outcome), prefix + "reason": st.just(reason)}


@FUZZ
@given(data=st.data())
def test_fuzz_call_form(world, households, data):
    desk = organizer_desk(world)
    event = data.draw(st.sampled_from(["open"] * 6 + ["tonight", "closed", "cancelled", "past", "draft",
                                                     "elsewhere", "missing"]), label="event")
    target = data.draw(st.sampled_from(["invited", "invited", "by email", "no contact", "elsewhere", "missing"]),
                       label="household")
    household_id = households.get(target, MISSING_ID)
    specs = form_specs(world.app, lambda: call_form(household_id))
    pairs = data.draw(form_fields(specs, data.draw(plausible_call(household_id))), label="fields")
    csrf, lang = data.draw(CSRF, label="csrf"), data.draw(LANGS, label="lang")
    url = f"/staff/events/{event_id(world, event)}/calls/{household_id}"
    desk.check("record a call", lambda: desk.post(url, pairs, csrf, lang), csrf)


FILTER_VALUES = st.one_of(st.sampled_from(["", "1", "K", "PK", "12", "13", "es", "so", "fa_AF", "not_reached",
                                           "no_answer", "registered", "2026-08-01", "0001-01-01", "9999-12-31",
                                           "2026-02-30"]), TRICKY, ANY_TEXT)


@FUZZ
@given(data=st.data())
def test_fuzz_reach_filters(world, households, data):
    desk = organizer_desk(world)
    event = data.draw(st.sampled_from(["open", "open", "tonight", "past", "elsewhere", "missing"]), label="event")
    page = data.draw(st.sampled_from([
        f"/staff/events/{event_id(world, event)}/reach", f"/staff/events/{event_id(world, event)}/calls",
        "/staff/not-reached", "/staff/not-reached.csv", "/staff/reports/reach", "/staff/reports/reach.csv",
        "/staff/reports",
    ]), label="page")
    names = data.draw(st.lists(st.sampled_from(["grade", "language", "status", "since", "start", "end", "page"]),
                               max_size=5), label="filters")
    values = [data.draw(FILTER_VALUES, label=name) for name in names]
    query = [(name, value) for name, value in zip(names, values)]
    lang = data.draw(LANGS, label="lang")
    desk.check("reach filters", lambda: desk.client.get(page, query_string=query,
                                                        headers={"Accept-Language": lang or "en"}),
               success=never)
