"""Reports across a school's events for a date range: reach, attendance,
needs and the reasons families give for not coming."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from ..clock import day_bounds
from ..extensions import db
from ..models import (
    GRADES,
    Attendance,
    Decline,
    Event,
    EventStatus,
    Need,
    Registration,
)
from ..models.grades import GRADE_BIT
from .reach import call_counts
from .seats import CONFIRMED, seats_of_events


@dataclass
class Report:
    start: date
    end: date
    events_held: int = 0
    events_upcoming: int = 0
    events_cancelled: int = 0
    families: int = 0
    people: int = 0
    waitlisted_families: int = 0
    recorded_events: int = 0  # events whose attendance was taken at the door
    expected_families_recorded: int = 0
    attended_families: int = 0
    attended_people: int = 0
    by_grade: list = field(default_factory=list)  # [(grade, families)]
    by_language: list = field(default_factory=list)  # [(language, families)]
    needs: list = field(default_factory=list)  # [(kind, families)]
    reasons: list = field(default_factory=list)  # [(reason, answers)]
    calls: list = field(default_factory=list)  # [(outcome, calls)]

    @property
    def calls_made(self):
        return sum(number for _outcome, number in self.calls)

    @property
    def attendance_rate(self):
        """Share of confirmed families who came, over events where attendance
        was recorded; None until the front desk has recorded any."""
        if not self.recorded_events or not self.expected_families_recorded:
            return None
        return self.attended_families / self.expected_families_recorded


def school_report(school, start, end, now):
    window_start, window_end = day_bounds(start, school.tz, days=(end - start).days + 1)
    report = Report(start=start, end=end)
    in_window = (Event.school_id == school.id) & (Event.starts_at >= window_start) & (Event.starts_at < window_end)

    for status, starts_at in db.session.execute(select(Event.status, Event.starts_at).where(in_window)).all():
        if status == EventStatus.CANCELLED:
            report.events_cancelled += 1
        elif status == EventStatus.PUBLISHED:
            if starts_at <= now:
                report.events_held += 1
            else:
                report.events_upcoming += 1

    events = select(Event.id).where(in_window, Event.status == EventStatus.PUBLISHED)
    confirmed = Registration.event_id.in_(events) & CONFIRMED

    held = seats_of_events(events)
    report.families, report.people = held.confirmed_families, held.confirmed_people
    report.waitlisted_families = held.waitlisted_families

    recorded = (
        select(Registration.event_id).where(Registration.event_id.in_(events),
                                            Registration.attendance != Attendance.UNKNOWN)
        .distinct()
    )
    report.recorded_events = db.session.execute(
        select(func.count()).select_from(recorded.subquery())
    ).scalar_one()
    if report.recorded_events:
        taken = seats_of_events(recorded)
        report.expected_families_recorded = taken.confirmed_families
        report.attended_families, report.attended_people = taken.arrived_families, taken.arrived_people

    # Reach counts the families registered (confirmed), like the totals above.
    grade_counts = db.session.execute(
        select(*[func.coalesce(func.sum(case((Registration.grades.op("&")(GRADE_BIT[grade]) != 0, 1), else_=0)), 0)
                 for grade in GRADES]).where(confirmed)
    ).one()
    report.by_grade = [(grade, number) for grade, number in zip(GRADES, grade_counts)]
    report.by_language = db.session.execute(
        select(Registration.language, func.count()).where(confirmed)
        .group_by(Registration.language).order_by(func.count().desc(), Registration.language)
    ).all()
    report.needs = db.session.execute(
        select(Need.kind, func.count(func.distinct(Need.registration_id)))
        .join(Registration, Registration.id == Need.registration_id).where(confirmed)
        .group_by(Need.kind).order_by(func.count(func.distinct(Need.registration_id)).desc(), Need.kind)
    ).all()
    report.reasons = db.session.execute(
        select(Decline.reason, func.count())
        .where(Decline.event_id.in_(select(Event.id).where(in_window)))
        .group_by(Decline.reason).order_by(func.count().desc(), Decline.reason)
    ).all()
    report.calls = call_counts(select(Event.id).where(in_window))
    return report
