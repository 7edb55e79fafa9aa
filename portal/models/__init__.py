from .base import utcnow
from .event import Event, EventStatus, EventText
from .grades import GRADES, grades_to_mask, mask_to_grades
from .registration import (
    Attendance, CheckIn, Decline, DeclineReason, ManageToken, Need, NeedKind, Registration,
    RegistrationStatus, Source,
)
from .message import Campaign, MessageKind, MessageStatus, OutboxMessage, Suppression
from .school import School
from .user import ROLES, User

__all__ = [
    "utcnow", "Event", "EventStatus", "EventText", "GRADES", "grades_to_mask", "mask_to_grades",
    "Attendance", "CheckIn", "Source", "Decline", "DeclineReason", "ManageToken", "Need", "NeedKind", "Registration", "RegistrationStatus",
    "School", "ROLES", "User", "Campaign", "MessageKind", "MessageStatus", "OutboxMessage", "Suppression",
]
