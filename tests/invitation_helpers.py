"""Roster households made directly, for tests of invitations."""
import itertools

from portal.models import Guardian, Household, HouseholdChannel, Student

_ids = itertools.count(1)


def make_household(db, school, name="Rosa Díaz", language="es", phone=None, email=None, grades=("1",),
                   channel=None):
    """A household with one guardian and a student in each of `grades`."""
    number = next(_ids)
    if channel is None:
        channel = HouseholdChannel.SMS if phone else HouseholdChannel.EMAIL if email else HouseholdChannel.NONE
    household = Household(school_id=school.id, language=language, channel=channel, phone=phone, email=email,
                          name=name)
    db.session.add(household)
    db.session.flush()
    guardian = Guardian(school_id=school.id, household_id=household.id, name=name, phone=phone, email=email,
                        language=language)
    db.session.add(guardian)
    for index, grade in enumerate(grades):
        student = Student(school_id=school.id, household_id=household.id, sis_id=f"S{number}-{index}",
                          name=f"Child {number}-{index}", grade=grade)
        student.guardians.append(guardian)
        db.session.add(student)
    db.session.commit()
    return household
