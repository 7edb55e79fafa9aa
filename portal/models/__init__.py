from .base import utcnow
from .calls import CallOutcome, CallResult
from .event import MAX_CAPACITY, Event, EventStatus, EventText
from .grades import GRADES, grades_to_mask, mask_to_grades
from .invitation import DECLINE_REASONS_BY_NUMBER, InboundSms, Invitation, InvitationAnswer
from .message import Campaign, MessageKind, MessageStatus, OutboxMessage, Suppression
from .registration import (
    MAX_ADULTS,
    MAX_CHILDREN,
    Attendance,
    CheckIn,
    Decline,
    DeclineReason,
    ManageToken,
    Need,
    NeedKind,
    Registration,
    RegistrationStatus,
    Source,
)
from .roster import Channel, Guardian, Household, RosterImport, Student, student_guardian
from .school import School
from .user import ROLES, STAFF_SESSION_KEY, LoginThrottle, StaffSession, User

__all__ = [
    "utcnow", "MAX_ADULTS", "MAX_CAPACITY", "MAX_CHILDREN", "Event", "EventStatus", "EventText", "GRADES",
    "grades_to_mask", "mask_to_grades",
    "Attendance", "CheckIn", "Source", "Decline", "DeclineReason", "ManageToken", "Need", "NeedKind", "Registration",
    "RegistrationStatus",
    "School", "ROLES", "User", "StaffSession", "LoginThrottle", "STAFF_SESSION_KEY", "Campaign", "MessageKind",
    "MessageStatus", "OutboxMessage", "Suppression", "Channel", "Guardian", "Household", "RosterImport", "Student",
    "student_guardian", "DECLINE_REASONS_BY_NUMBER", "InboundSms", "Invitation", "InvitationAnswer",
    "CallOutcome", "CallResult",
]
