"""The portal's vocabulary: every status, role, kind and reason it stores,
each with the words a page shows for it.

Each is a StrEnum whose values are the words stored in the database (the
CHECK constraints list them), so a member compares equal to the stored
string. Its `label` is the translatable name a page shows, kept beside the
value so that no page, form, export or template words it again."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p


class Term(StrEnum):
    """A stored word with its label (None: never shown by itself)."""

    def __new__(cls, value, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls):
        """Every stored value, in order: `value in Kind.values()` also holds
        for plain strings read from the database or a form."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls):
        """{value: label} for choices, charts and tables."""
        return {member.value: member.label for member in cls}


# The same English word is a different word in many languages (gender,
# number), so each kind of status has its own context.
class RegistrationStatus(Term):
    CONFIRMED = "confirmed", _p("registration status", "Confirmed")
    WAITLISTED = "waitlisted", _p("registration status", "On the waiting list")
    CANCELLED = "cancelled", _p("registration status", "Cancelled")


class EventStatus(Term):
    DRAFT = "draft", _p("event status", "Draft")
    PUBLISHED = "published", _p("event status", "Published")
    CANCELLED = "cancelled", _p("event status", "Cancelled")


class Attendance(Term):
    """What happened at the door (see Registration.mark_attendance)."""

    UNKNOWN = "unknown"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class CheckInAction(Term):
    """What one row of the door's log records."""

    CHECK_IN = "check_in"
    UNDO = "undo"
    NO_SHOW = "no_show"


class Source(Term):
    ONLINE = "online", _l("Online")
    STAFF = "staff", _l("By staff")
    WALK_IN = "walk_in", _l("Walk-in")


class NeedKind(Term):
    CHILDCARE = "childcare", _l("Childcare")
    TRANSPORTATION = "transportation", _l("Transportation")
    INTERPRETER = "interpreter", _l("Interpreter")
    ACCESSIBILITY = "accessibility", _l("Help to take part")
    DIETARY = "dietary", _l("Dietary")


class DeclineReason(Term):
    WORK = "work", _l("My work schedule")
    TIME = "time", _l("The time of day does not work for us")
    CHILDCARE = "childcare", _l("No one to care for my other children")
    TRANSPORTATION = "transportation", _l("No way to get there")
    LANGUAGE = "language", _l("The event is not in my language")
    HEALTH = "health", _p("reason for not coming", "Health")
    OTHER = "other", _l("Something else")


class Role(Term):
    ADMIN = "admin", _l("Admin")
    ORGANIZER = "organizer", _l("Organizer")
    FRONTDESK = "frontdesk", _l("Front desk")


class Channel(Term):
    """How a message reaches a family, and which one they prefer."""

    SMS = "sms", _l("Text message")
    EMAIL = "email", _l("Email")


class InvitationAnswer(Term):
    """Where a household's invitation stands."""

    NONE = "none", _p("invitation answer", "No answer yet")
    REGISTERED = "registered", _p("invitation answer", "Registered")
    CANT_COME = "cant_come", _p("invitation answer", "Can't come")


class ReachStatus(Term):
    """Where a household stands for one event."""

    REGISTERED = "registered", _p("household status", "Registered")
    CANT_COME = "cant_come", _p("household status", "Can't come")
    NO_ANSWER = "no_answer", _p("household status", "No answer yet")
    MESSAGE_FAILED = "message_failed", _p("household status", "Message failed")
    NO_CONTACT = "no_contact", _p("household status", "No contact on file")
    OPTED_OUT = "opted_out", _p("household status", "Opted out")
    NOT_INVITED = "not_invited", _p("household status", "Not invited yet")


# The households a caller works through: no answer of any kind yet.
NOT_REACHED = (ReachStatus.NO_ANSWER, ReachStatus.MESSAGE_FAILED, ReachStatus.NO_CONTACT, ReachStatus.OPTED_OUT,
               ReachStatus.NOT_INVITED)


class TextAnswer(Term):
    """What a family's text message was understood as (InboundSms.understood_as)."""

    COME = "come"
    CANT_COME = "cant_come"
    REASON = "reason"
    HELP = "help"  # not an answer the portal reads: the choices go again
    REFUSED = "refused"  # an answer a rule refused (the event closed since)
    STOP = "stop"
    START = "start"
    ALREADY_REGISTERED = "already_registered"
    REGISTERED_FAMILY = "registered_family"  # a registered family's number, with no invitation
    NO_INVITATION = "no_invitation"
    UNKNOWN_NUMBER = "unknown_number"


class TextReply(Term):
    """Which answer a family's text message gets back (an SMS_REPLY message's payload)."""

    REASONS = "reasons"
    THANKS = "thanks"
    EVENTS = "events"
    UNKNOWN_NUMBER = "unknown_number"
    ERROR = "error"
    HELP = "help"


class RosterFormat(Term):
    """The kind of file a roster came in."""

    CSV = "csv"
    ONEROSTER = "oneroster"


class CallResult(Term):
    """What a call to a household gave."""

    REACHED_COMING = "reached_coming", _l("Reached: coming")
    REACHED_CANT_COME = "reached_cant_come", _l("Reached: can't come")
    NO_ANSWER = "no_answer", _p("call result", "No answer")
    WRONG_NUMBER = "wrong_number", _l("Wrong number")


CALLS_THAT_REACHED = (CallResult.REACHED_COMING, CallResult.REACHED_CANT_COME)


class HouseholdChannel(Term):
    """How the school reaches a household of its roster."""

    SMS = "sms", _l("Text message")
    EMAIL = "email", _l("Email")
    NONE = "none", _l("No contact on file")  # neither a textable phone nor an email address


class MessageKind(Term):
    CONFIRMATION = "confirmation", _l("Confirmation")
    WAITLISTED = "waitlisted", _l("Waitlist notice")
    PROMOTED = "promoted", _l("A place opened")
    REMINDER = "reminder", _l("Reminder")
    CHANGED = "changed", _l("Change notice")
    CANCELLED = "cancelled", _l("Cancellation notice")
    LINK = "link", _l("Link sent again")  # the manage link again, for a family who lost it
    ORGANIZER = "organizer", _l("Message from the organizers")  # written by an organizer (see Campaign)
    INVITATION = "invitation", _l("Invitation")  # a household's personal invitation (see Invitation)
    FOLLOW_UP = "follow_up", _l("Invitation reminder")  # the one reminder of an invitation not yet answered
    SMS_REPLY = "sms_reply", _l("Answer to a text message")  # the answer to a family's text message


# Messages to a household rather than about a registration.
MESSAGES_WITHOUT_REGISTRATION = (MessageKind.INVITATION, MessageKind.FOLLOW_UP, MessageKind.SMS_REPLY)


class MessageStatus(Term):
    PENDING = "pending", _l("Waiting to be sent")
    SENDING = "sending", _l("Sending")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Could not be delivered")  # gave up after the last retry
    SUPPRESSED = "suppressed", _l("Not sent: the family asked for no messages")  # the family asked us to stop


GRADE_NAMES = {
    "PK": _l("Pre-K"),
    "K": _l("Kindergarten"),
    "1": _l("Grade 1"),
    "2": _l("Grade 2"),
    "3": _l("Grade 3"),
    "4": _l("Grade 4"),
    "5": _l("Grade 5"),
    "6": _l("Grade 6"),
    "7": _l("Grade 7"),
    "8": _l("Grade 8"),
    "9": _l("Grade 9"),
    "10": _l("Grade 10"),
    "11": _l("Grade 11"),
    "12": _l("Grade 12"),
}

# Every enum a template compares against, by its class name.
TEMPLATE_TERMS = (RegistrationStatus, EventStatus, Attendance, CheckInAction, Source, NeedKind, DeclineReason,
                  Role, Channel, HouseholdChannel, InvitationAnswer, ReachStatus, CallResult, MessageKind,
                  MessageStatus, RosterFormat)
