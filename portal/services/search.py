"""Finding a family: what staff typed (part of a name in any script, the
last 4 digits of a phone or more of them, an email or its start, a check-in
code) understood once, for the front desk and the organizer's table alike.
The door's page searches the list it holds by the same rules while offline
(frontdesk.js); tests/e2e/test_search_parity.py holds the three to one table."""
from dataclasses import dataclass

from sqlalchemy import case, false, or_, select

from ..extensions import db
from ..models import Registration, RegistrationStatus
from .contact import search_key
from .tokens import CHECKIN_ALPHABET, CHECKIN_CODE_LENGTH, normalize_checkin_code

SEARCH_LIMIT = 50


def looks_like_code(text):
    code = normalize_checkin_code(text)
    return len(code) == CHECKIN_CODE_LENGTH and all(ch in CHECKIN_ALPHABET for ch in code)


def _digits(text):
    """The digits of `text` (any script), or None when it holds anything but
    digits and the usual phone punctuation."""
    kept = [ch for ch in text if not ch.isspace() and ch not in "+-().\u200e\u200f"]
    if not kept or not all(ch.isdecimal() for ch in kept):
        return None
    return "".join(str(int(ch)) for ch in kept)


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class SearchQuery:
    """What the front desk typed, understood: a name (folded), the last
    digits of a phone, an email, or a check-in code."""

    text: str
    words: list
    digits: str | None
    email: str | None
    code: str | None

    @classmethod
    def parse(cls, text):
        text = (text or "").strip()[:200]
        digits = _digits(text) if text else None
        words = [] if digits else search_key(text).split()
        # An email, or the start of one ("maria.g", "mgarcia@"); a plain name is searched as a name.
        email = text.lower() if not digits and " " not in text and ("@" in text or "." in text) else None
        code = normalize_checkin_code(text) if looks_like_code(text) else None
        return cls(text, words, digits, email, code)

    @property
    def empty(self):
        return not self.text

    def condition(self):
        matches = []
        if self.digits:
            if len(self.digits) >= 4:
                last4 = Registration.phone_last4 == self.digits[-4:]
                matches.append(last4 if len(self.digits) == 4
                               else last4 & Registration.phone.like(f"%{self.digits}"))
        elif self.words:
            matches.append(_all_of(Registration.search_name.like(f"%{_like_escape(word)}%", escape="\\")
                                   for word in self.words))
        if self.email:
            matches.append(Registration.email.like(f"{_like_escape(self.email)}%", escape="\\"))
        if self.code:
            matches.append(Registration.checkin_code == self.code)
        return or_(*matches) if matches else None

    def rank(self):
        """Exact code first, then names starting with what was typed, then the rest."""
        whens = []
        if self.code:
            whens.append((Registration.checkin_code == self.code, 0))
        if self.words:
            folded = _like_escape(" ".join(self.words))
            whens.append((Registration.search_name.like(f"{folded}%", escape="\\"), 1))
            whens.append((Registration.search_name.like(f"% {folded}%", escape="\\"), 2))
        return case(*whens, else_=3) if whens else None


def _all_of(conditions):
    conditions = list(conditions)
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


@dataclass
class SearchResults:
    query: SearchQuery
    registrations: list
    more: bool


def matching(statement, text):
    """`statement` (a select of registrations) narrowed to the families
    what was typed finds; nothing typed narrows nothing."""
    query = SearchQuery.parse(text)
    if query.empty:
        return statement
    condition = query.condition()
    return statement.where(condition if condition is not None else false())


def search(event_id, text, limit=SEARCH_LIMIT):
    """Families of the event matching what was typed: part of a name (any
    script, accents and case ignored), the last 4 digits of the phone (or
    more of them), an email or its beginning, or the check-in code.
    Confirmed first, then waitlisted; never cancelled."""
    query = SearchQuery.parse(text)
    condition = query.condition()
    if condition is None:
        return SearchResults(query, [], False)
    live = (Registration.event_id == event_id, Registration.status != RegistrationStatus.CANCELLED)
    if query.code:
        # A scanned code: one look-up in the unique index answers it.
        exact = db.session.execute(
            select(Registration).where(Registration.checkin_code == query.code, *live)
        ).scalar_one_or_none()
        if exact is not None:
            return SearchResults(query, [exact], False)
    statement = select(Registration).where(*live, condition)
    order = [case((Registration.status == RegistrationStatus.CONFIRMED, 0), else_=1)]
    rank = query.rank()
    if rank is not None:
        order.append(rank)
    rows = db.session.execute(
        statement.order_by(*order, Registration.search_name, Registration.id).limit(limit + 1)
    ).scalars().all()
    return SearchResults(query, rows[:limit], len(rows) > limit)
