"""The school's roster: importing it (again and again), the households it
forms, what the roster page counts, and what privacy asks of it."""
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import GRADES, Channel, Guardian, Household, RosterImport, Student, student_guardian
from .contact import may_text, search_key


@dataclass
class ImportPlan:
    """What importing rows would do; the preview shows it, the import does it."""

    rows: list
    to_import: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    with_warnings: list = field(default_factory=list)

    @classmethod
    def of(cls, rows):
        plan = cls(rows=rows)
        for row in rows:
            (plan.skipped if row.skipped else plan.to_import).append(row)
            if row.problems and not row.skipped:
                plan.with_warnings.append(row)
        return plan

    def problem_counts(self):
        return Counter(code for row in self.rows for code, _value in row.problems)


def _guardian_key(guardian, sis_id):
    """Who a guardian is, from one import to the next: the OneRoster id, or
    the name with the phone or email (two parents may share a home phone),
    or else the name beside this one student."""
    if guardian.source_id:
        return ("source", guardian.source_id)
    return ("name", search_key(guardian.name), guardian.phone or guardian.email or f"student:{sis_id}")


def _key_of(guardian, sis_ids):
    if guardian.source_id:
        return ("source", guardian.source_id)
    contact = guardian.phone or guardian.email
    if contact:
        return ("name", search_key(guardian.name), contact)
    return ("name", search_key(guardian.name), f"student:{min(sis_ids) if sis_ids else guardian.id}")


def _set(thing, **values):
    """Set the values that differ; whether anything did."""
    changed = False
    for name, value in values.items():
        if getattr(thing, name) != value:
            setattr(thing, name, value)
            changed = True
    return changed


def import_roster(school, rows, now, sms_countries="", user=None, filename="", file_format="csv"):
    """Import the rows that have no blocking problem, in the caller's
    transaction: students are matched by SIS id (added, updated, or marked
    inactive when the file no longer lists them; never deleted), guardians
    by who they are, and households are formed again. Importing the same
    rows twice changes nothing. Returns the RosterImport."""
    plan = ImportPlan.of(rows)
    students = {student.sis_id: student for student in db.session.execute(
        select(Student).where(Student.school_id == school.id)).scalars()}
    guardians_of_school = db.session.execute(
        select(Guardian).where(Guardian.school_id == school.id)).scalars().all()
    links = {}
    for student_id, guardian_id in db.session.execute(
            select(student_guardian.c.student_id, student_guardian.c.guardian_id)
            .join(Student, Student.id == student_guardian.c.student_id)
            .where(Student.school_id == school.id)):
        links.setdefault(guardian_id, set()).add(student_id)
    sis_of = {student.id: sis for sis, student in students.items()}
    guardians = {}
    for guardian in guardians_of_school:
        guardians.setdefault(_key_of(guardian, [sis_of[i] for i in links.get(guardian.id, ())]), guardian)

    added, changed = 0, set()
    wanted_links = {}  # student -> [guardian, ...] in the file's order
    for row in plan.to_import:
        student = students.get(row.sis_id)
        values = dict(name=row.name, grade=row.grade, homeroom=row.homeroom, active=True)
        if student is None:
            student = Student(school_id=school.id, sis_id=row.sis_id, updated_at=now, **values)
            db.session.add(student)
            students[row.sis_id] = student
            added += 1
        elif _set(student, **values):
            student.updated_at = now
            changed.add(row.sis_id)
        linked = wanted_links.setdefault(student, [])
        for guardian_row in row.guardians:
            key = _guardian_key(guardian_row, row.sis_id)
            guardian = guardians.get(key)
            if guardian is None:
                guardian = Guardian(school_id=school.id, name=guardian_row.name, phone=guardian_row.phone,
                                    email=guardian_row.email, language=guardian_row.language,
                                    source_id=guardian_row.source_id)
                db.session.add(guardian)
                guardians[key] = guardian
            elif _set(guardian, name=guardian_row.name, phone=guardian_row.phone, email=guardian_row.email,
                      language=guardian_row.language or guardian.language, source_id=guardian_row.source_id):
                changed.add(row.sis_id)
            if guardian not in linked:
                linked.append(guardian)

    listed = {row.sis_id for row in rows if row.sis_id}  # a skipped row keeps its student as is
    deactivated = 0
    for sis_id, student in students.items():
        if student.active and sis_id not in listed:
            student.active = False
            student.updated_at = now
            deactivated += 1
    db.session.flush()

    changed |= _link(wanted_links, links, now)
    _drop_orphan_guardians(school)
    form_households(school, now, sms_countries)
    new_ids = {sis_id for sis_id, student in students.items() if student.id not in sis_of}
    record = RosterImport(school_id=school.id, created_by_id=user.id if user else None, filename=filename[:200],
                          file_format=file_format, added=added, updated=len(changed - new_ids),
                          deactivated=deactivated, skipped=len(plan.skipped), created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def _link(wanted_links, links, now):
    """Link each student to its guardians; the SIS ids of those whose guardians changed."""
    current = {}
    for guardian_id, student_ids in links.items():
        for student_id in student_ids:
            current.setdefault(student_id, set()).add(guardian_id)
    table = student_guardian
    relinked, removals, additions = set(), [], []
    for student, guardians in wanted_links.items():
        wanted = {guardian.id for guardian in guardians}
        have = current.get(student.id, set())
        if wanted == have:
            continue
        removals.extend((student.id, guardian_id) for guardian_id in have - wanted)
        additions.extend({"student_id": student.id, "guardian_id": guardian_id} for guardian_id in wanted - have)
        student.updated_at = now
        relinked.add(student.sis_id)
    for student_id, guardian_id in removals:
        db.session.execute(table.delete().where(table.c.student_id == student_id, table.c.guardian_id == guardian_id))
    if additions:
        db.session.execute(table.insert(), additions)
    return relinked


def _drop_orphan_guardians(school):
    db.session.execute(
        Guardian.__table__.delete().where(
            Guardian.school_id == school.id,
            Guardian.id.not_in(select(student_guardian.c.guardian_id))))


# ---------------------------------------------------------------- households

def household_contact(guardians, school, sms_countries):
    """The name, phone, email, language and channel a household is reached
    by, from its guardians in order: a textable phone first, else email."""
    phones = [guardian.phone for guardian in guardians if guardian.phone]
    emails = [guardian.email for guardian in guardians if guardian.email]
    textable = next((phone for phone in phones if may_text(phone, school.country, sms_countries)), None)
    phone = textable or (phones[0] if phones else None)
    email = emails[0] if emails else None
    channel = Channel.SMS if textable else Channel.EMAIL if email else Channel.NONE
    speaker = next((guardian for guardian in guardians if guardian.language), None)
    named = next((guardian for guardian in guardians if guardian.name), None)
    return dict(name=named.name if named else "", phone=phone, email=email, channel=channel,
                language=speaker.language if speaker else school.default_language)


def form_households(school, now, sms_countries=""):
    """Group the active students who share a guardian, or whose guardians
    share a phone or an email, into households. A household keeps its id
    (and its invitations) as long as most of its students stay together."""
    students = db.session.execute(
        select(Student).where(Student.school_id == school.id, Student.active.is_(True)).order_by(Student.id)
    ).scalars().all()
    guardians = {guardian.id: guardian for guardian in db.session.execute(
        select(Guardian).where(Guardian.school_id == school.id).order_by(Guardian.id)).scalars()}
    guardians_of = {}
    for student_id, guardian_id in db.session.execute(
            select(student_guardian.c.student_id, student_guardian.c.guardian_id)
            .join(Student, Student.id == student_guardian.c.student_id)
            .where(Student.school_id == school.id).order_by(student_guardian.c.guardian_id)):
        guardians_of.setdefault(student_id, []).append(guardians[guardian_id])

    parent = {}

    def find(item):
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(one, other):
        parent[find(one)] = find(other)

    for student in students:
        find(("student", student.id))
        for guardian in guardians_of.get(student.id, []):
            join(("student", student.id), ("guardian", guardian.id))
            for contact in (guardian.phone, guardian.email):
                if contact:
                    join(("guardian", guardian.id), ("contact", contact))
    groups = {}
    for student in students:
        groups.setdefault(find(("student", student.id)), []).append(student)

    existing = {household.id: household for household in db.session.execute(
        select(Household).where(Household.school_id == school.id)).scalars()}
    claimed = set()
    # The largest groups choose first, so a household that splits stays with most of its children.
    for members in sorted(groups.values(), key=lambda group: (-len(group), group[0].id)):
        votes = Counter(student.household_id for student in members
                        if student.household_id is not None and student.household_id not in claimed)
        household = existing[votes.most_common(1)[0][0]] if votes else None
        family = list(dict.fromkeys(guardian for student in members for guardian in guardians_of.get(student.id, [])))
        contact = household_contact(family, school, sms_countries)
        if household is None:
            household = Household(school_id=school.id, created_at=now, updated_at=now, **contact)
            db.session.add(household)
            db.session.flush()
        elif _set(household, **contact):
            household.updated_at = now
        claimed.add(household.id)
        for student in members:
            if student.household_id != household.id:
                student.household_id = household.id
        for guardian in family:
            if guardian.household_id != household.id:
                guardian.household_id = household.id
    db.session.flush()


# ------------------------------------------------------------------ the page

@dataclass
class RosterSummary:
    active: int
    inactive: int
    households: int
    without_contact: int
    by_channel: dict
    by_language: list  # (code, households), most first
    by_grade: list  # (grade, active students), in grade order
    last_import: RosterImport | None


def summary(school):
    """What the roster page shows: a handful of grouped queries."""
    active_counts = dict(db.session.execute(
        select(Student.active, func.count()).where(Student.school_id == school.id).group_by(Student.active)).all())
    current = (select(Student.household_id).where(Student.school_id == school.id, Student.active.is_(True))
               .distinct().scalar_subquery())
    households = select(Household).where(Household.school_id == school.id, Household.id.in_(current)).subquery()
    by_language = db.session.execute(
        select(households.c.language, func.count()).group_by(households.c.language)
        .order_by(func.count().desc(), households.c.language)).all()
    by_channel = dict(db.session.execute(
        select(households.c.channel, func.count()).group_by(households.c.channel)).all())
    grades = dict(db.session.execute(
        select(Student.grade, func.count()).where(Student.school_id == school.id, Student.active.is_(True))
        .group_by(Student.grade)).all())
    last_import = db.session.execute(
        select(RosterImport).where(RosterImport.school_id == school.id)
        .order_by(RosterImport.created_at.desc(), RosterImport.id.desc()).limit(1)).scalar_one_or_none()
    return RosterSummary(
        active=active_counts.get(True, 0), inactive=active_counts.get(False, 0),
        households=sum(by_channel.values()), without_contact=by_channel.get(Channel.NONE, 0),
        by_channel=by_channel, by_language=[tuple(row) for row in by_language],
        by_grade=[(grade, grades[grade]) for grade in GRADES if grade in grades], last_import=last_import)


# ------------------------------------------------------------------- privacy

def forget_contact(school_id, phone, email):
    """A family erased its details: its phone and email leave the
    school's guardians and households too, and a household that only had
    that way to be reached is left without one."""
    matches = [column == value for column, value in ((Household.phone, phone), (Household.email, email)) if value]
    if not matches:
        return
    for guardian in db.session.execute(
            select(Guardian).where(Guardian.school_id == school_id, or_(
                *[column == value for column, value in ((Guardian.phone, phone), (Guardian.email, email))
                  if value]))).scalars():
        if phone and guardian.phone == phone:
            guardian.phone = None
        if email and guardian.email == email:
            guardian.email = None
    for household in db.session.execute(
            select(Household).where(Household.school_id == school_id, or_(*matches))).scalars():
        if phone and household.phone == phone:
            household.phone = None
        if email and household.email == email:
            household.email = None
        if household.channel == Channel.SMS and household.phone is None \
                or household.channel == Channel.EMAIL and household.email is None:
            household.channel = Channel.EMAIL if household.email else Channel.NONE
    db.session.flush()


def forget_inactive_older_than(cutoff):
    """Students no import has listed since `cutoff` are deleted, with the
    guardians no other student has; households left with no student keep
    their id (for what was sent to them) but no name or contact. Returns
    how many students were deleted."""
    gone = select(Student.id).where(Student.active.is_(False), Student.updated_at < cutoff)
    deleted = db.session.execute(Student.__table__.delete().where(Student.id.in_(gone))).rowcount
    db.session.execute(Guardian.__table__.delete().where(
        Guardian.id.not_in(select(student_guardian.c.guardian_id))))
    db.session.execute(Household.__table__.update().where(
        Household.id.not_in(select(Student.household_id).where(Student.household_id.is_not(None))),
        or_(Household.name != "", Household.phone.is_not(None), Household.email.is_not(None)))
        .values(name="", phone=None, email=None, channel=Channel.NONE))
    db.session.flush()
    return deleted


def guardians_with_contact(school_id, phone, email):
    """The school's guardians with this phone or email (the admin's export)."""
    matches = [column == value for column, value in ((Guardian.phone, phone), (Guardian.email, email)) if value]
    if not matches:
        return []
    return db.session.execute(
        select(Guardian).where(Guardian.school_id == school_id, or_(*matches)).order_by(Guardian.id)
    ).scalars().all()


def guardian_record(guardian):
    household = guardian.household
    return {
        "name": guardian.name, "phone": guardian.phone, "email": guardian.email, "language": guardian.language,
        "source_id": guardian.source_id,
        "students": [{"sis_id": student.sis_id, "name": student.name, "grade": student.grade,
                      "homeroom": student.homeroom, "active": student.active} for student in guardian.students],
        "household": {"id": household.id, "name": household.name, "phone": household.phone,
                      "email": household.email, "language": household.language, "channel": household.channel}
        if household else None,
    }
