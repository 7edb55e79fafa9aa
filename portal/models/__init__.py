from ..vocabulary import (
    Attendance,
    CallResult,
    Channel,
    CheckInAction,
    DeclineReason,
    EventStatus,
    HouseholdChannel,
    MessageKind,
    MessageStatus,
    NeedKind,
    ReachStatus,
    RegistrationStatus,
    Role,
    Source,
)
from .base import utcnow
from .calls import CallOutcome
from .checkin import CheckIn
from .decline import Decline
from .event import MAX_CAPACITY, Event, EventText
from .grades import GRADES, grades_to_mask, mask_to_grades
from .invitation import DECLINE_REASONS_BY_NUMBER, InboundSms, Invitation, InvitationAnswer
from .manage_token import ManageToken
from .message import Campaign, OutboxMessage, Suppression
from .need import Need
from .registration import MAX_ADULTS, MAX_CHILDREN, Registration
from .roster import Guardian, Household, RosterImport, Student, student_guardian
from .school import School
from .user import ROLES, STAFF_SESSION_KEY, LoginThrottle, StaffSession, User

__all__ = [
    "utcnow", "MAX_ADULTS", "MAX_CAPACITY", "MAX_CHILDREN", "Event", "EventStatus", "EventText", "GRADES",
    "grades_to_mask", "mask_to_grades",
    "Attendance", "CheckIn", "CheckInAction", "Channel", "Source", "Decline", "DeclineReason", "ManageToken", "Need",
    "NeedKind", "Registration", "RegistrationStatus",
    "School", "ROLES", "Role", "User", "StaffSession", "LoginThrottle", "STAFF_SESSION_KEY", "Campaign",
    "MessageKind", "MessageStatus", "OutboxMessage", "Suppression",
    "HouseholdChannel", "Guardian", "Household", "RosterImport", "Student", "student_guardian",
    "DECLINE_REASONS_BY_NUMBER", "InboundSms", "Invitation", "InvitationAnswer",
    "CallOutcome", "CallResult", "ReachStatus",
]
