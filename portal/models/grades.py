"""School grades, stored as a bit mask so that one integer column answers
"which events are for 3rd grade" without a join."""
from sqlalchemy import Integer
from sqlalchemy.types import TypeDecorator

GRADES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
GRADE_BIT = {grade: 1 << index for index, grade in enumerate(GRADES)}


def grades_to_mask(grades):
    mask = 0
    for grade in grades:
        mask |= GRADE_BIT[grade]
    return mask


def mask_to_grades(mask):
    return [grade for grade in GRADES if mask & GRADE_BIT[grade]]


class GradeSet(TypeDecorator):
    """A list of grade codes in Python, a bit mask in the database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return 0
        if isinstance(value, int):
            return value
        return grades_to_mask(value)

    def process_result_value(self, value, dialect):
        return mask_to_grades(value or 0)
