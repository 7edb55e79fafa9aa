"""The world every fuzz test works in."""
import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest

from portal.admin.forms import ContactForm, UserForm
from portal.auth.forms import LoginForm, SetPasswordForm, StaffSettingsForm
from portal.frontdesk.forms import ArrivedForm, ClientKeyForm, WalkInForm
from portal.models import EventStatus, RegistrationStatus, utcnow
from portal.organizer.forms import campaign_form, event_form
from portal.organizer.invitation_forms import FollowUpForm, invite_form
from portal.public.forms import DeclineForm, LinkAgainForm
from portal.registration_form import registration_form
from portal.services import checkin as checkin_service, invitations, registration as registration_service
from portal.services.schools import ensure_school
from portal.services.users import create_user
from tests.conftest import QUICK_HASH
from tests.fuzz.harness import csrf_token_of
from tests.fuzz.strategies import specs_of
from tests.invitation_helpers import make_household

_phones = itertools.count(2000)


def fresh_phone():
    return f"+1651555{next(_phones) % 10000:04d}"


def form_specs(app, build):
    with app.test_request_context():
        return specs_of(build())


def invited_household(world, db, name="Wei Chen", language="zh"):
    """A new household of the roster invited to the open event by text: its link's token."""
    household = make_household(db, world.school, name, language, phone=fresh_phone(), grades=("K",))
    invitations.send_invitations(world.events["open"], world.organizer, ["K"], world.app.config["SECRET_KEY"],
                                 world.now)
    db.session.commit()
    return invitations.invitation_token(world.app.config["SECRET_KEY"], world.events["open"].id, household.id)


class World(SimpleNamespace):
    def __repr__(self):  # Hypothesis prints the arguments of a failing example
        return "world"


@pytest.fixture
def world(app, db, school, make_event, family, now):
    """Two schools, staff of every role, events in every state, families
    registered for them (confirmed, waitlisted, cancelled, checked in), and
    households of the roster, invited to the open event or not."""
    w = World(app=app, school=school, now=now, desks={})
    w.other_school = ensure_school("Roosevelt Middle School", "roosevelt", "America/New_York", "en")

    def staff(at_school, email, role, active=True, password=True):
        user = create_user(at_school, email, email.split("@")[0].title(), role)
        if password:
            user.password_hash = QUICK_HASH
        user.active = active
        return user

    w.admin = staff(school, "admin@lincoln.example", "admin")
    w.organizer = staff(school, "olivia@lincoln.example", "organizer")
    w.frontdesk = staff(school, "desk@lincoln.example", "frontdesk")
    w.inactive = staff(school, "gone@lincoln.example", "organizer", active=False)
    w.invited = staff(school, "new@lincoln.example", "frontdesk", password=False)
    w.stranger = staff(w.other_school, "organizer@roosevelt.example", "organizer")
    db.session.commit()

    ev = w.events = {}
    ev["open"] = make_event(capacity=12, interpreter_languages="es ar vi")
    ev["plain"] = make_event(capacity=40, offers_childcare=False, childcare_capacity=0, interpreter_languages="",
                             offers_transportation=False, offers_meal=False)
    ev["closed"] = make_event()
    ev["cancelled"] = make_event()
    ev["draft"] = make_event(status=EventStatus.DRAFT)
    ev["past"] = make_event()
    ev["tonight"] = make_event(capacity=8, interpreter_languages="es so")
    ev["elsewhere"] = make_event(school_id=w.other_school.id)

    w.tokens, w.regs = {}, {}

    def register(event_key, name, **fields):
        fields.setdefault("phone", fresh_phone())
        registered = registration_service.register(ev[event_key].id, family(name=name, **fields), now)
        w.tokens[name], w.regs[name] = registered.token, registered.registration
        return registered.registration

    register("open", "María González", language="es", adults=1, children=2, childcare_children=1,
             childcare_ages=[3], interpreter_language="es", grades=["K", "3"])
    register("open", "Nguyễn Thị Lan", language="vi", adults=2, children=1, phone=None, email="lan@example.org",
             dietary="Halal")
    register("open", "Amina Yusuf", language="ar", adults=1, children=1, email="amina@example.org",
             transportation_seats=2, accessibility="Wheelchair space")
    register("open", "Big Waiting Family", adults=4, children=3)
    register("open", "Gone Family")
    registration_service.cancel_registration(w.regs["Gone Family"].id, now)
    register("plain", "Plain Family", adults=2)
    register("closed", "Closed Family")
    register("cancelled", "Cancelled Event Family")
    register("tonight", "José Núñez", adults=2, children=1, email="jose@example.org", interpreter_language="es",
             childcare_children=1, childcare_ages=[4])
    register("tonight", "Lan Tran", adults=1, children=2)
    register("tonight", "Late Arrival", adults=1)
    register("tonight", "Tonight Waiting", adults=3, children=2)
    register("tonight", "Tonight Gone")
    register("elsewhere", "Other School Family")
    registration_service.cancel_registration(w.regs["Tonight Gone"].id, now)
    ev["closed"].registration_deadline = now - timedelta(hours=1)
    ev["cancelled"].status = EventStatus.CANCELLED
    ev["past"].starts_at = now - timedelta(days=1)
    ev["past"].ends_at = now - timedelta(days=1) + timedelta(hours=2)
    ev["tonight"].starts_at = now.replace(microsecond=0) - timedelta(minutes=10)
    ev["tonight"].ends_at = ev["tonight"].starts_at + timedelta(hours=2)
    db.session.commit()
    checkin_service.check_in(ev["tonight"], w.regs["Late Arrival"].id, w.frontdesk, utcnow())
    db.session.commit()
    assert w.regs["Big Waiting Family"].status == RegistrationStatus.WAITLISTED
    assert w.regs["Tonight Waiting"].status == RegistrationStatus.WAITLISTED

    # Roster households: two invited to the open event (one by text, one by email), one not yet.
    w.households = {
        "Rosa Díaz": make_household(db, school, "Rosa Díaz", "es", phone=fresh_phone(), grades=("K", "3")),
        "Linh Tran": make_household(db, school, "Linh Tran", "vi", email="linh@example.org", grades=("1",)),
    }
    invitations.send_invitations(ev["open"], w.organizer, ["K", "1", "3"], app.config["SECRET_KEY"], now)
    db.session.commit()
    w.households["Amina Farah"] = make_household(db, school, "Amina Farah", "so", phone=fresh_phone(),
                                                 grades=("2",))
    w.invitation_tokens = {name: invitations.invitation_token(app.config["SECRET_KEY"], ev["open"].id, household.id)
                           for name, household in w.households.items()}

    w.specs = {
        "registration": form_specs(app, lambda: registration_form(ev["open"], "en")),
        "decline": form_specs(app, DeclineForm),
        "link_again": form_specs(app, LinkAgainForm),
        "login": form_specs(app, LoginForm),
        "set_password": form_specs(app, SetPasswordForm),
        "user": form_specs(app, UserForm),
        "contact": form_specs(app, ContactForm),
        "staff_settings": form_specs(app, lambda: StaffSettingsForm(app.config["PORTAL_LANGUAGES"])),
        "event": form_specs(app, event_form),
        "campaign": form_specs(app, campaign_form),
        "invite": form_specs(app, lambda: invite_form(ev["open"])),
        "follow_up": form_specs(app, FollowUpForm),
        "arrived": form_specs(app, lambda: ArrivedForm(meta={"csrf": False}, formdata=None)),
        "client_key": form_specs(app, lambda: ClientKeyForm(meta={"csrf": False}, formdata=None)),
        "walk_in": form_specs(app, lambda: WalkInForm(ev["tonight"], meta={"csrf": False}, formdata=None)),
    }
    # A token that is well formed but belongs to another browser's session.
    w.wrong_token = csrf_token_of(app.test_client(), "/staff/login")
    return w
