"""The school's roster: importing it (again and again), the households it
forms, what the roster page counts, and what privacy asks of it."""
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, insert, or_, select, update

from ..extensions import db
from ..models import GRADES, Guardian, Household, HouseholdChannel, RosterImport, Student, student_guardian
from ..vocabulary import RosterFormat
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


def _guardian_key(guardian, sis_id):
    """Who a guardian is, from one import to the next: the OneRoster id, or
    the name with the phone or email (two parents may share a home phone),
    or else the name beside this one student."""
    if guardian.source_id:
        return ("source", guardian.source_id)
    return ("name", search_key(guardian.name), guardian.phone or guardian.email or f"student:{sis_id}")


STUDENT_FIELDS = ("name", "grade", "homeroom", "active")
GUARDIAN_FIELDS = ("name", "phone", "email", "language", "source_id")
HOUSEHOLD_FIELDS = ("name", "phone", "email", "language", "channel")


def _changes(current, wanted, names):
    """The values of `wanted` that differ from `current` (a row), by name."""
    return {name: wanted[name] for name in names if getattr(current, name) != wanted[name]}


def _insert_returning_ids(table, values):
    """Insert many rows at once; their new ids, in the order of `values`."""
    if not values:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, values).scalars())


def _update_by_id(model, values):
    """Many rows updated by primary key in a few statements (executemany)."""
    groups = {}
    for item in values:
        groups.setdefault(tuple(sorted(item)), []).append(item)
    for group in groups.values():
        db.session.execute(update(model), group)


def import_roster(school, rows, now, sms_countries="", user=None, filename="", file_format=RosterFormat.CSV):
    """Import the rows that have no blocking problem, in the caller's
    transaction: students are matched by SIS id (added, updated, or marked
    inactive when the file no longer lists them; never deleted), guardians
    by who they are, and households are formed again. Importing the same
    rows twice changes nothing. Returns the RosterImport.

    20,000 students are a school district: the rows are compared in Python
    and written with a handful of many-row statements, not object by object."""
    plan = ImportPlan.of(rows)
    students_table, guardians_table, links_table = Student.__table__, Guardian.__table__, student_guardian
    db.session.flush()
    students = {row.sis_id: row for row in db.session.execute(
        select(students_table.c.id, students_table.c.sis_id, *[students_table.c[name] for name in STUDENT_FIELDS])
        .where(students_table.c.school_id == school.id))}
    sis_of = {row.id: sis_id for sis_id, row in students.items()}
    current_links = {}
    for student_id, guardian_id in db.session.execute(
            select(links_table.c.student_id, links_table.c.guardian_id)
            .join(students_table, students_table.c.id == links_table.c.student_id)
            .where(students_table.c.school_id == school.id)):
        current_links.setdefault(student_id, set()).add(guardian_id)
    students_of_guardian = {}
    for student_id, guardian_ids in current_links.items():
        for guardian_id in guardian_ids:
            students_of_guardian.setdefault(guardian_id, []).append(sis_of[student_id])
    guardians = {}
    for guardian in db.session.execute(
            select(guardians_table.c.id, *[guardians_table.c[name] for name in GUARDIAN_FIELDS])
            .where(guardians_table.c.school_id == school.id).order_by(guardians_table.c.id)):
        sis_ids = students_of_guardian.get(guardian.id) or [f"guardian:{guardian.id}"]
        guardians.setdefault(_guardian_key(guardian, min(sis_ids)), guardian)

    new_students, student_updates, changed = [], [], set()
    wanted_guardians, students_of_key = {}, {}  # key -> values, merged over the rows that name the guardian
    wanted_links = {}  # sis_id -> [guardian key, ...] in the file's order
    for row in plan.to_import:
        values = dict(name=row.name, grade=row.grade, homeroom=row.homeroom, active=True)
        student = students.get(row.sis_id)
        if student is None:
            new_students.append(dict(values, school_id=school.id, sis_id=row.sis_id, updated_at=now))
        else:
            difference = _changes(student, values, STUDENT_FIELDS)
            if difference:
                student_updates.append(dict(difference, id=student.id, updated_at=now))
                changed.add(row.sis_id)
        keys = wanted_links.setdefault(row.sis_id, [])
        for guardian_row in row.guardians:
            key = _guardian_key(guardian_row, row.sis_id)
            wanted = dict(name=guardian_row.name, phone=guardian_row.phone, email=guardian_row.email,
                          language=guardian_row.language, source_id=guardian_row.source_id)
            merged = wanted_guardians.setdefault(key, wanted)
            for name in GUARDIAN_FIELDS:
                merged[name] = merged[name] or wanted[name]
            students_of_key.setdefault(key, []).append(row.sis_id)
            if key not in keys:
                keys.append(key)
    new_guardians, new_guardian_keys, guardian_updates = [], [], []
    for key, wanted in wanted_guardians.items():
        guardian = guardians.get(key)
        if guardian is None:
            new_guardians.append(dict(wanted, school_id=school.id))
            new_guardian_keys.append(key)
            continue
        wanted["language"] = wanted["language"] or guardian.language
        difference = _changes(guardian, wanted, GUARDIAN_FIELDS)
        if difference:
            guardian_updates.append(dict(difference, id=guardian.id))
            changed.update(sis_id for sis_id in students_of_key[key] if sis_id in students)

    listed = {row.sis_id for row in rows if row.sis_id}  # a skipped row keeps its student as is
    gone = [dict(id=student.id, active=False, updated_at=now)
            for sis_id, student in students.items() if student.active and sis_id not in listed]
    _update_by_id(Student, student_updates + gone)
    _update_by_id(Guardian, guardian_updates)
    student_ids = {sis_id: student.id for sis_id, student in students.items()}
    student_ids.update(zip((values["sis_id"] for values in new_students),
                           _insert_returning_ids(students_table, new_students)))
    guardian_ids = {key: guardian.id for key, guardian in guardians.items()}
    guardian_ids.update(zip(new_guardian_keys, _insert_returning_ids(guardians_table, new_guardians)))

    relinked, removals, additions = set(), [], []
    for sis_id, keys in wanted_links.items():
        student_id = student_ids[sis_id]
        wanted = {guardian_ids[key] for key in keys}
        have = current_links.get(student_id, set())
        if wanted != have:
            removals += [{"s": student_id, "g": guardian_id} for guardian_id in have - wanted]
            additions += [{"student_id": student_id, "guardian_id": guardian_id} for guardian_id in wanted - have]
            if sis_id in students:
                relinked.add(sis_id)
    if removals:
        db.session.execute(links_table.delete().where(links_table.c.student_id == bindparam("s"),
                                                      links_table.c.guardian_id == bindparam("g")), removals)
    if additions:
        db.session.execute(links_table.insert(), additions)
    _update_by_id(Student, [dict(id=students[sis_id].id, updated_at=now) for sis_id in relinked - changed])
    changed |= relinked
    _drop_orphan_guardians(school)
    form_households(school, now, sms_countries)
    record = RosterImport(school_id=school.id, created_by_id=user.id if user else None, filename=filename[:200],
                          file_format=file_format, added=len(new_students), updated=len(changed),
                          deactivated=len(gone), skipped=len(plan.skipped), created_at=now)
    db.session.add(record)
    db.session.flush()
    db.session.expire_all()  # the rows changed under the session's objects
    return record


@dataclass
class ImportPreview:
    """What importing rows would do, before anything is stored: the plan,
    the students it would add, update and mark no longer enrolled, and the
    rows in reading order (those with problems first: they are what the
    organizer has to read)."""

    plan: ImportPlan
    added: int
    updated: int
    deactivated: int
    ordered_rows: list

    def pages(self, per_page):
        return max(1, -(-len(self.ordered_rows) // per_page))

    def page(self, number, per_page):
        return self.ordered_rows[(number - 1) * per_page:number * per_page]


def preview_import(school, rows, now, sms_countries="", filename="", file_format=RosterFormat.CSV):
    """What import_roster would change, found by doing it in a savepoint
    and taking it back: the counts are the import's own, not a second
    reckoning that could drift from it."""
    savepoint = db.session.begin_nested()
    try:
        outcome = import_roster(school, rows, now, sms_countries=sms_countries, filename=filename,
                                file_format=file_format)
        counts = dict(added=outcome.added, updated=outcome.updated, deactivated=outcome.deactivated)
    finally:
        savepoint.rollback()
        db.session.expire_all()
    ordered = sorted(rows, key=lambda row: (not row.skipped, not row.problems, row.line))
    return ImportPreview(plan=ImportPlan.of(rows), ordered_rows=ordered, **counts)


def _drop_orphan_guardians(school):
    db.session.execute(
        Guardian.__table__.delete().where(
            Guardian.school_id == school.id,
            Guardian.id.not_in(select(student_guardian.c.guardian_id))))


# ---------------------------------------------------------------- households

def household_contact(guardians, school, sms_countries, textable=None):
    """The name, phone, email, language and channel a household is reached
    by, from its guardians in order: a textable phone first, else email."""
    textable = textable if textable is not None else \
        (lambda phone: may_text(phone, school.country, sms_countries))
    phones = [guardian.phone for guardian in guardians if guardian.phone]
    emails = [guardian.email for guardian in guardians if guardian.email]
    sms_phone = next((phone for phone in phones if textable(phone)), None)
    phone = sms_phone or (phones[0] if phones else None)
    email = emails[0] if emails else None
    channel = HouseholdChannel.SMS if sms_phone else HouseholdChannel.EMAIL if email else HouseholdChannel.NONE
    speaker = next((guardian for guardian in guardians if guardian.language), None)
    named = next((guardian for guardian in guardians if guardian.name), None)
    return dict(name=named.name if named else "", phone=phone, email=email, channel=channel,
                language=speaker.language if speaker else school.default_language)


def form_households(school, now, sms_countries=""):
    """Group the active students who share a guardian, or whose guardians
    share a phone or an email, into households. A household keeps its id
    (and its invitations) as long as most of its students stay together."""
    students_table, guardians_table, households_table = Student.__table__, Guardian.__table__, Household.__table__
    students = db.session.execute(
        select(students_table.c.id, students_table.c.household_id)
        .where(students_table.c.school_id == school.id, students_table.c.active.is_(True))
        .order_by(students_table.c.id)).all()
    guardians = {guardian.id: guardian for guardian in db.session.execute(
        select(guardians_table.c.id, guardians_table.c.household_id,
               *[guardians_table.c[name] for name in GUARDIAN_FIELDS])
        .where(guardians_table.c.school_id == school.id).order_by(guardians_table.c.id))}
    guardians_of = {}
    for student_id, guardian_id in db.session.execute(
            select(student_guardian.c.student_id, student_guardian.c.guardian_id)
            .join(students_table, students_table.c.id == student_guardian.c.student_id)
            .where(students_table.c.school_id == school.id, students_table.c.active.is_(True))
            .order_by(student_guardian.c.guardian_id)):
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
        select(households_table.c.id, *[households_table.c[name] for name in HOUSEHOLD_FIELDS])
        .where(households_table.c.school_id == school.id))}
    textable_phones = {}

    def textable(phone):
        if phone not in textable_phones:
            textable_phones[phone] = may_text(phone, school.country, sms_countries)
        return textable_phones[phone]

    claimed, household_updates, new_households, new_members = set(), [], [], []
    student_moves, guardian_moves = [], []
    # The largest groups choose first, so a household that splits stays with most of its children.
    for members in sorted(groups.values(), key=lambda group: (-len(group), group[0].id)):
        votes = Counter(student.household_id for student in members
                        if student.household_id is not None and student.household_id not in claimed)
        family = list(dict.fromkeys(guardian for student in members for guardian in guardians_of.get(student.id, [])))
        contact = household_contact(family, school, sms_countries, textable)
        if not votes:
            new_households.append(dict(contact, school_id=school.id, created_at=now, updated_at=now))
            new_members.append((members, family))
            continue
        household_id = votes.most_common(1)[0][0]
        claimed.add(household_id)
        difference = _changes(existing[household_id], contact, HOUSEHOLD_FIELDS)
        if difference:
            household_updates.append(dict(difference, id=household_id, updated_at=now))
        student_moves += [{"id": s.id, "household_id": household_id} for s in members if s.household_id != household_id]
        guardian_moves += [{"id": g.id, "household_id": household_id} for g in family if g.household_id != household_id]
    for household_id, (members, family) in zip(_insert_returning_ids(households_table, new_households), new_members):
        student_moves += [{"id": student.id, "household_id": household_id} for student in members]
        guardian_moves += [{"id": guardian.id, "household_id": household_id} for guardian in family]
    _update_by_id(Household, household_updates)
    _update_by_id(Student, student_moves)
    _update_by_id(Guardian, guardian_moves)


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
        households=sum(by_channel.values()), without_contact=by_channel.get(HouseholdChannel.NONE, 0),
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
        if household.channel == HouseholdChannel.SMS and household.phone is None \
                or household.channel == HouseholdChannel.EMAIL and household.email is None:
            household.channel = HouseholdChannel.EMAIL if household.email else HouseholdChannel.NONE
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
        .values(name="", phone=None, email=None, channel=HouseholdChannel.NONE))
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
