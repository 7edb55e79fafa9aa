"""The one way views run a service call: commit when it goes through; on a
coded error, roll back and show the error where the person will read it."""
import pytest
from flask import get_flashed_messages

from portal.forms import PortalForm, TextField
from portal.models import School
from portal.services.errors import DomainError
from portal.views import service_call, status_for


class NameForm(PortalForm):
    name = TextField("Name")


def say(error):
    return f"refused: {error.code}"


def school_name(db, school):
    db.session.rollback()
    return db.session.get(School, school.id).name


@pytest.fixture
def posted(app):
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        yield NameForm(meta={"csrf": False})


def test_a_call_that_goes_through_is_committed_and_the_page_is_fine(db, school, posted):
    with service_call(posted, say=say) as call:
        school.name = "Renamed"
    assert call.succeeded and call.error is None
    assert school_name(db, school) == "Renamed"
    assert status_for(posted) == 200


def test_a_refusal_is_rolled_back_and_shown_next_to_its_field(db, school, posted):
    before = school.name
    with service_call(posted, say=say) as call:
        school.name = "Half done"
        db.session.flush()
        raise DomainError("name_taken", field="name")
    assert not call.succeeded and call.error.code == "name_taken"
    assert posted.name.errors == ["refused: name_taken"]
    assert school_name(db, school) == before
    assert status_for(posted) == 422


def test_a_refusal_about_no_field_of_the_form_is_said_atop_it(db, school, posted):
    with service_call(posted, say=say):
        raise DomainError("event_full", field="seats")
    assert posted.page_errors == ["refused: event_full"]


def test_without_a_form_the_refusal_is_flashed(db, school, posted):
    with service_call(say=say, flash_category="error"):
        raise DomainError("event_full")
    assert get_flashed_messages(with_categories=True) == [("error", "refused: event_full")]


def test_flash_unless_on_form_keeps_field_errors_on_the_form_and_flashes_the_rest(db, school, posted):
    with service_call(posted, say=say, flash_category="error", flash_unless_on_form=True):
        raise DomainError("too_many", field="name")
    with service_call(posted, say=say, flash_category="error", flash_unless_on_form=True):
        raise DomainError("event_full")
    assert posted.name.errors == ["refused: too_many"] and posted.page_errors == []
    assert get_flashed_messages(with_categories=True) == [("error", "refused: event_full")]


def test_a_preview_is_not_committed(db, school, posted):
    before = school.name
    with service_call(posted, commit=False):
        school.name = "Only a preview"
    assert school_name(db, school) == before


def test_an_error_that_is_not_a_rule_is_not_swallowed(db, school, posted):
    with pytest.raises(LookupError), service_call(posted):
        raise LookupError("a bug, not a refusal")
