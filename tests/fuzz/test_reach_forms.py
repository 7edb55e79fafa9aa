"""The pages of families not yet reached: the call form, and the filters of
the call list, the reach pages and their CSV exports."""
import pytest
from hypothesis import given, strategies as st

from portal.models import CallResult, DeclineReason
from portal.organizer.reach_forms import call_form
from tests.fuzz.conftest import form_specs
from tests.fuzz.harness import FUZZ, MISSING_ID, event_id, never, organizer_desk
from tests.fuzz.strategies import ANY_TEXT, CSRF, LANGS, TRICKY, form_fields
from tests.invitation_helpers import make_household


@pytest.fixture
def households(world, db):
    """The world's roster households (invited to the open event by text or
    by email, or not invited), one without any contact, and one of the
    other school."""
    return {
        "invited": world.households["Rosa Díaz"].id,
        "by email": world.households["Linh Tran"].id,
        "not invited": world.households["Amina Farah"].id,
        "no contact": make_household(db, world.school, "Nadia Nobody", "so", grades=("3",)).id,
        "elsewhere": make_household(db, world.other_school, "Stranger", "en", phone="+16125550399").id,
    }


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
    target = data.draw(st.sampled_from(["invited", "invited", "by email", "not invited", "no contact", "elsewhere",
                                        "missing"]), label="household")
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
    query = [(name, data.draw(FILTER_VALUES, label=name)) for name in names]
    lang = data.draw(LANGS, label="lang")
    desk.check("reach filters", lambda: desk.client.get(page, query_string=query,
                                                        headers={"Accept-Language": lang or "en"}),
               success=never)
