"""The roster services: reading files, guessing columns, languages and
grades, OneRoster, households, importing again, and privacy."""
import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.models import Guardian, Household, HouseholdChannel, Student
from portal.sample_roster import HEADER, oneroster_users_csv, oneroster_zip, sample_roster
from portal.services import privacy, registration as registration_service, roster
from portal.services.errors import DomainError
from portal.services.roster_formats import (
    CSV,
    MAX_ROWS,
    ONEROSTER,
    check_mapping,
    grade_code,
    guess_mapping,
    language_code,
    read_roster_file,
    rows_from_csv,
)


def csv_text(header, *rows):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


def rows_of(text, region="US"):
    roster_file = read_roster_file(text.encode() if isinstance(text, str) else text, region)
    if roster_file.kind == ONEROSTER:
        return roster_file.records
    return rows_from_csv(roster_file.records, guess_mapping(roster_file.header), region)


def imported(school, text, now):
    record = roster.import_roster(school, rows_of(text), now)
    return (record.added, record.updated, record.deactivated, record.skipped)


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# ---------------------------------------------------------------- languages and grades

@pytest.mark.parametrize("text, code", [
    ("Spanish", "es"), ("Español", "es"), ("espanol", "es"), ("es", "es"), ("spa", "es"), ("SPA", "es"),
    ("Spanish (Mexico)", "es"), ("Haitian Creole", "ht"), ("Kreyòl ayisyen", "ht"), ("Creole", "ht"),
    ("hat", "ht"), ("Somali", "so"), ("Soomaali", "so"), ("Vietnamese", "vi"), ("Tiếng Việt", "vi"),
    ("Arabic", "ar"), ("العربية", "ar"), ("Chinese", "zh"), ("Mandarin", "zh"), ("中文", "zh"),
    ("Dari", "fa-AF"), ("prs", "fa-AF"), ("Farsi", "fa-AF"), ("Tagalog", "fil"), ("Swahili", "sw"),
    ("Portuguese", "pt"), ("Русский", "ru"), ("Українська", "uk"), ("한국어", "ko"), ("Français", "fr"),
    ("Inglés", "en"), ("English", "en"), ("eng", "en"),
    # Not shipped: kept as their ISO codes, so that reports count them.
    ("Nepali", "ne"), ("nep", "ne"), ("Hmong", "hmn"), ("Karen", "kar"), ("Amharic", "am"),
])
def test_language_names_endonyms_and_codes_map_to_one_code(app, text, code):
    assert language_code(text) == code


@pytest.mark.parametrize("text", ["", "Elvish", "xx-yy-zz", "?", "a" * 100])
def test_an_unknown_language_is_none(app, text):
    assert language_code(text) is None


@pytest.mark.parametrize("text, grade", [
    ("PK", "PK"), ("Pre-K", "PK"), ("TK", "PK"), ("-1", "PK"), ("KG", "K"), ("K", "K"), ("Kindergarten", "K"),
    ("0", "K"), ("01", "1"), ("1", "1"), ("1st", "1"), ("Grade 3", "3"), ("3rd grade", "3"), ("Grado 4", "4"),
    ("quinto", "5"), ("12", "12"), ("12th", "12"),
])
def test_grades_as_systems_write_them(text, grade):
    assert grade_code(text) == grade


@pytest.mark.parametrize("text", ["13", "IT", "UG", "Grade X", "", "PS3x"])
def test_an_unknown_grade_is_none(text):
    assert grade_code(text) is None


# ---------------------------------------------------------------- columns

def test_powerschool_columns_are_guessed():
    assert guess_mapping(HEADER) == {
        "student_id": 0, "student_name": 1, "grade": 2, "homeroom": 3, "guardian1_name": 4,
        "guardian1_mobile": 5, "guardian1_email": 6, "guardian2_name": 7, "guardian2_phone": 8, "language": 9}


def test_infinite_campus_columns_are_guessed():
    header = ["Student Number", "Last Name", "First Name", "Grade", "Homeroom", "Contact 1 Name",
              "Contact 1 Cell Phone", "Contact 1 Home Phone", "Contact 1 Email", "Contact 2 Name",
              "Contact 2 Cell Phone", "Contact 2 Email", "Home Primary Language", "Birth Date"]
    assert guess_mapping(header) == {
        "student_id": 0, "student_last": 1, "student_first": 2, "grade": 3, "homeroom": 4,
        "guardian1_name": 5, "guardian1_mobile": 6, "guardian1_phone": 7, "guardian1_email": 8,
        "guardian2_name": 9, "guardian2_mobile": 10, "guardian2_email": 11, "language": 12}


def test_spanish_columns_are_guessed():
    header = ["Número de estudiante", "Nombre del estudiante", "Grado", "Salón", "Nombre del padre/madre",
              "Teléfono", "Correo electrónico", "Idioma"]
    assert guess_mapping(header) == {
        "student_id": 0, "student_name": 1, "grade": 2, "homeroom": 3, "guardian1_name": 4,
        "guardian1_phone": 5, "guardian1_email": 6, "language": 7}


@pytest.mark.parametrize("mapping, code", [
    ({"student_name": 1, "grade": 2}, "roster_mapping_needs"),
    ({"student_id": 0, "grade": 2}, "roster_mapping_needs"),
    ({"student_id": 0, "student_name": 1}, "roster_mapping_needs"),
    ({"student_id": 0, "student_name": 0, "grade": 2}, "roster_mapping_twice"),
    ({"student_id": 0, "student_name": 1, "grade": 9}, "roster_mapping_invalid"),
])
def test_a_mapping_missing_a_column_or_using_one_twice_is_refused(mapping, code):
    with pytest.raises(DomainError) as refused:
        check_mapping(mapping, 3)
    assert refused.value.code == code


# ---------------------------------------------------------------- reading files

def test_excel_files_in_windows_encoding_with_semicolons_are_read():
    data = "Student Number;Student Name;Grade;Mother;Mother Cell Phone;Home Language\n" \
           "1;Peña, José;KG;Ana Peña;612-555-0101;Español\n".encode("cp1252")
    [row] = rows_of(data)
    assert (row.sis_id, row.name, row.grade) == ("1", "Peña, José", "K")
    assert (row.guardians[0].name, row.guardians[0].phone, row.guardians[0].language) == \
        ("Ana Peña", "+16125550101", "es")


def test_a_byte_order_mark_does_not_hide_the_first_column():
    data = "\ufeffStudent_Number,LastFirst,Grade_Level\n9,Doe Jo,3\n".encode()
    assert guess_mapping(read_roster_file(data).header)["student_id"] == 0


@pytest.mark.parametrize("data, code", [
    (b"", "roster_empty"), (b"   \n\n", "roster_empty"), (b"a,b\n", "roster_empty"),
    (b"just one column\nno commas\n", "roster_not_csv"), (b"\x00\x01\x02binary", "roster_not_csv"),
    (b"<html><body>a,b</body></html>\n1,2", "roster_not_csv"),
    (b"PK\x03\x04garbage", "roster_not_csv"),
])
def test_bad_files_are_refused_with_a_reason(data, code):
    with pytest.raises(DomainError) as refused:
        read_roster_file(data)
    assert refused.value.code == code


def test_too_many_rows_are_refused():
    data = ("id,name,grade\n" + "1,A,3\n" * (MAX_ROWS + 1)).encode()
    with pytest.raises(DomainError) as refused:
        read_roster_file(data)
    assert refused.value.code == "roster_too_many_rows"


def test_a_zip_that_unpacks_to_too_much_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("users.csv", "sourcedId,role,givenName\n" + "x" * (50 * 1024 * 1024))
    with pytest.raises(DomainError) as refused:
        read_roster_file(buffer.getvalue())
    assert refused.value.code == "roster_too_big"


def test_each_row_lists_its_problems(app):
    rows = rows_of(csv_text(
        ["Student_Number", "LastFirst", "Grade_Level", "Mother", "Mother_Cell_Phone", "Mother_Email",
         "Home_Language"],
        ["1", "Ok, Ana", "3", "Eva Ok", "612 555 0100", "", "Spanish"],
        ["", "Noid, Bo", "3", "X", "612 555 0101", "", ""],
        ["3", "", "3", "X", "612 555 0102", "", ""],
        ["4", "Grade, Bad", "X", "X", "612 555 0103", "", ""],
        ["5", "Phone, Bad", "2", "X", "555-12", "not-an-email", "Elvish"],
        ["6", "Contact, None", "2", "Nobody", "", "", ""],
        ["1", "Twice, Ana", "3", "Eva Ok", "612 555 0100", "", ""],
    ))
    problems = [[code for code, _value in row.problems] for row in rows]
    assert problems == [
        [], ["missing_student_id"], ["missing_name"], ["unknown_grade"],
        ["phone_invalid", "email_invalid", "unknown_language", "no_contact"], ["no_contact"],
        ["duplicate_student_id"]]
    assert [row.skipped for row in rows] == [False, True, True, True, False, False, True]
    assert rows[4].problems[0] == ("phone_invalid", "555-12")


def test_a_local_number_is_read_in_the_schools_country(app):
    [row] = rows_of(csv_text(["Student ID", "Name", "Grade", "Phone"], ["1", "Ana", "3", "55 1234 5678"]),
                    region="MX")
    assert row.guardians[0].phone == "+525512345678"


# ---------------------------------------------------------------- OneRoster

def test_oneroster_students_and_guardians_are_linked_by_agent_ids(app):
    users = oneroster_users_csv([
        ({"given": "Hodan", "family": "Warsame", "sms": "612-555-0142", "email": "hodan@example.org",
          "language": "Somali", "role": "parent"},
         [{"id": "S1", "given": "Abdi", "family": "Warsame", "grade": "KG"},
          {"id": "S2", "given": "Ayaan", "family": "Warsame", "grade": "04"}]),
        ({"given": "Lan", "family": "Tran", "phone": "6125550177", "role": "relative"},
         [{"id": "S3", "given": "Minh", "family": "Tran", "grade": "PK", "language": "vie"}]),
    ])
    roster_file = read_roster_file(oneroster_zip(users))
    assert roster_file.kind == ONEROSTER
    rows = {row.sis_id: row for row in roster_file.records}
    assert {sis: (row.name, row.grade) for sis, row in rows.items()} == {
        "S1": ("Abdi Warsame", "K"), "S2": ("Ayaan Warsame", "4"), "S3": ("Minh Tran", "PK")}
    hodan = rows["S1"].guardians[0]
    assert (hodan.name, hodan.phone, hodan.email, hodan.language, hodan.source_id) == \
        ("Hodan Warsame", "+16125550142", "hodan@example.org", "so", "g-0")
    # The guardian has no language column filled: the student's home language is used.
    assert (rows["S3"].guardians[0].phone, rows["S3"].guardians[0].language) == ("+16125550177", "vi")
    # users.csv uploaded alone reads the same.
    assert read_roster_file(users.encode()).kind == ONEROSTER


def test_oneroster_links_from_the_student_side_and_skips_deleted_users(app):
    header = ["sourcedId", "status", "role", "givenName", "familyName", "identifier", "email", "sms",
              "agentSourcedIds", "grades"]
    users = csv_text(header,
                     ["p1", "active", "guardian", "Rosa", "Luz", "", "rosa@example.org", "", "", ""],
                     ["s1", "active", "student", "Tito", "Luz", "1001", "", "", "p1", "03"],
                     ["s2", "tobedeleted", "student", "Gone", "Luz", "1002", "", "", "p1", "05"],
                     ["t1", "active", "teacher", "Ms", "Teacher", "", "t@example.org", "", "s1", ""],
                     ["s3", "active", "student", "Nadie", "Luz", "", "", "", "", "IT"])
    rows = rows_of(users)
    assert [(row.sis_id, row.grade, [g.email for g in row.guardians]) for row in rows] == [
        ("1001", "3", ["rosa@example.org"]), ("s3", None, [])]
    assert rows[1].skipped  # IT (infant/toddler) is no grade of the school


# ---------------------------------------------------------------- households

FAMILY_HEADER = ["Student_Number", "LastFirst", "Grade_Level", "Mother", "Mother_Cell_Phone", "Mother_Email",
                 "Father", "Father_Day_Phone", "Home_Language"]


def test_students_sharing_a_phone_or_an_email_form_one_household(db, school, now):
    imported(school, csv_text(
        FAMILY_HEADER,
        ["1", "Garcia, Ana", "3", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"],
        # a half-sibling with another surname: the same mother's phone
        ["2", "Lopez, Beto", "5", "Rosa Garcia", "612 555 0100", "rosa@example.org", "", "", "Spanish"],
        # the same email as the row above, through the father: still the same household
        ["3", "Lopez, Cici", "K", "", "", "", "Juan Lopez", "612 555 0111", "Spanish"],
        ["4", "Other, Dan", "2", "Mia Other", "", "mia@example.org", "", "", "English"],
        ["5", "Nophone, Eve", "1", "Zoe Nophone", "", "", "", "", "Somali"],
    ), now)
    db.session.commit()
    households = {frozenset(s.sis_id for s in h.students): h for h in db.session.scalars(select(Household))}
    assert set(households) == {frozenset({"1", "2"}), frozenset({"3"}), frozenset({"4"}), frozenset({"5"})}
    garcia = households[frozenset({"1", "2"})]
    assert (garcia.name, garcia.phone, garcia.email, garcia.language, garcia.channel) == \
        ("Rosa Garcia", "+16125550100", "rosa@example.org", "es", HouseholdChannel.SMS)
    assert households[frozenset({"4"})].channel == HouseholdChannel.EMAIL
    assert (households[frozenset({"5"})].channel, households[frozenset({"5"})].language) == (HouseholdChannel.NONE, "so")


def test_a_household_joined_through_a_shared_email(db, school, now):
    imported(school, csv_text(
        FAMILY_HEADER,
        ["1", "A, A", "3", "Ann", "", "fam@example.org", "", "", "English"],
        ["2", "B, B", "4", "", "", "", "Ben", "612 555 0123", "English"],
        ["3", "C, C", "5", "Cat", "612 555 0123", "FAM@example.org", "", "", "English"],
    ), now)
    assert count(db, Household) == 1
    household = db.session.scalars(select(Household)).one()
    assert (household.name, household.phone, household.channel) == ("Ann", "+16125550123", HouseholdChannel.SMS)


def test_a_phone_abroad_is_not_texted_the_household_is_emailed(db, school, now):
    rows = rows_of(csv_text(FAMILY_HEADER, ["1", "A, A", "3", "Ann", "+52 55 1234 5678", "ann@example.org", "", "",
                                            "Spanish"]))
    roster.import_roster(school, rows, now, sms_countries="US")
    household = db.session.scalars(select(Household)).one()
    assert (household.phone, household.channel) == ("+525512345678", HouseholdChannel.EMAIL)


def test_an_unknown_or_missing_language_falls_back_to_the_schools(db, school, now):
    imported(school, csv_text(FAMILY_HEADER, ["1", "A, A", "3", "Ann", "612 555 0100", "", "", "", "Elvish"]), now)
    assert db.session.scalars(select(Household)).one().language == school.default_language


# ---------------------------------------------------------------- importing again

def test_importing_the_same_file_twice_changes_nothing(db, school, now):
    sample = sample_roster(200)
    assert imported(school, sample.csv, now) == (sample.students, 0, 0, sample.skipped)
    db.session.commit()

    def snapshot():
        return (
            sorted((s.id, s.sis_id, s.name, s.grade, s.homeroom, s.active, s.household_id, s.updated_at)
                   for s in db.session.scalars(select(Student))),
            sorted((g.id, g.name, g.phone, g.email, g.language, g.household_id)
                   for g in db.session.scalars(select(Guardian))),
            sorted((h.id, h.name, h.phone, h.email, h.language, h.channel, h.updated_at)
                   for h in db.session.scalars(select(Household))),
        )

    before = snapshot()
    assert imported(school, sample.csv, now + timedelta(days=1)) == (0, 0, 0, sample.skipped)
    db.session.commit()
    db.session.expire_all()
    assert snapshot() == before
    assert count(db, Household) == sample.households


def test_importing_again_adds_updates_and_marks_missing_students_inactive(db, school, now):
    first = csv_text(FAMILY_HEADER,
                     ["1", "Garcia, Ana", "3", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"],
                     ["2", "Garcia, Beto", "5", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"],
                     ["3", "Tran, Minh", "K", "Lan Tran", "612 555 0177", "", "", "", "Vietnamese"])
    imported(school, first, now)
    db.session.commit()
    household = db.session.scalars(select(Student).where(Student.sis_id == "1")).one().household_id
    later = now + timedelta(days=30)
    second = csv_text(FAMILY_HEADER,
                      ["1", "Garcia, Ana", "4", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"],  # grade
                      ["2", "Garcia, Beto", "5", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"],  # same
                      ["4", "Garcia, Cora", "PK", "Rosa Garcia", "612 555 0100", "", "", "", "Spanish"])  # new
    assert imported(school, second, later) == (1, 1, 1, 0)
    db.session.commit()
    students = {s.sis_id: s for s in db.session.scalars(select(Student))}
    assert (students["1"].grade, students["1"].updated_at) == ("4", later)
    assert students["2"].updated_at == now
    assert students["3"].active is False and count(db, Student) == 4  # never deleted
    # The new sister joins her siblings' household, which keeps its id.
    assert students["4"].household_id == students["1"].household_id == household

    assert imported(school, first, later) == (0, 2, 1, 0)  # Minh is back (updated), Ana in grade 3, Cora gone
    db.session.commit()
    assert db.session.get(Student, students["3"].id).active is True


def test_a_row_left_out_for_a_problem_does_not_make_its_student_inactive(db, school, now):
    imported(school, csv_text(FAMILY_HEADER, ["1", "A, Ana", "3", "Ann", "612 555 0100", "", "", "", ""]), now)
    assert imported(school, csv_text(FAMILY_HEADER, ["1", "A, Ana", "Grade X", "Ann", "612 555 0100", "", "", "",
                                                     ""]), now) == (0, 0, 0, 1)
    assert db.session.scalars(select(Student)).one().active is True


def test_rows_with_problems_are_never_half_imported(db, school, now):
    imported(school, csv_text(FAMILY_HEADER, ["", "Noid, Bo", "3", "Bo's mom", "612 555 0100", "", "", "", ""],
                              ["9", "Grade, Bad", "X", "Bad's mom", "612 555 0101", "", "", "", ""]), now)
    assert (count(db, Student), count(db, Guardian), count(db, Household)) == (0, 0, 0)


def test_a_changed_phone_moves_the_guardian_and_the_household_follows(db, school, now):
    imported(school, csv_text(FAMILY_HEADER, ["1", "A, Ana", "3", "Ann", "612 555 0100", "", "", "", ""]), now)
    household_id = db.session.scalars(select(Household)).one().id
    assert imported(school, csv_text(FAMILY_HEADER, ["1", "A, Ana", "3", "Ann", "612 555 0199", "", "", "", ""]),
                    now) == (0, 1, 0, 0)
    db.session.commit()
    guardian = db.session.scalars(select(Guardian)).one()  # the old one is gone
    assert guardian.phone == "+16125550199"
    assert db.session.get(Household, household_id).phone == "+16125550199"


# ---------------------------------------------------------------- summary and privacy

def test_the_summary_counts_the_sample(db, school, now):
    sample = sample_roster(500)
    roster.import_roster(school, rows_of(sample.csv), now)
    db.session.commit()
    summary = roster.summary(school)
    assert (summary.active, summary.inactive, summary.households, summary.without_contact) == \
        (sample.students, 0, sample.households, sample.no_contact)
    assert dict(summary.by_language) == sample.languages
    assert len(sample.languages) == 9
    assert sum(count for _grade, count in summary.by_grade) == sample.students
    assert summary.last_import.added == sample.students


def test_a_family_that_erases_its_details_leaves_the_household_contacts(db, school, make_event, family, now):
    imported(school, csv_text(FAMILY_HEADER,
                              ["1", "A, Ana", "3", "Ann", "612 555 0100", "ann@example.org", "", "", "Spanish"]),
             now)
    event = make_event()
    registered = registration_service.register(event.id, family(phone="+16125550100", email=None), now)
    db.session.commit()
    privacy.erase_registration(registered.registration, now)
    db.session.commit()
    household = db.session.scalars(select(Household)).one()
    guardian = db.session.scalars(select(Guardian)).one()
    assert (household.phone, household.email, household.channel) == (None, "ann@example.org", HouseholdChannel.EMAIL)
    assert (guardian.phone, guardian.email) == (None, "ann@example.org")


def test_the_admins_export_includes_the_roster(db, school, now):
    imported(school, csv_text(FAMILY_HEADER,
                              ["1", "A, Ana", "3", "Ann", "612 555 0100", "", "", "", "Spanish"]), now)
    db.session.commit()
    record = privacy.export_contact(school.id, "(612) 555-0100")
    [guardian] = record["roster"]
    assert (guardian["name"], guardian["phone"], guardian["language"]) == ("Ann", "+16125550100", "es")
    assert guardian["students"] == [{"sis_id": "1", "name": "A, Ana", "grade": "3", "homeroom": "",
                                     "active": True}]
    assert guardian["household"]["channel"] == HouseholdChannel.SMS
    assert privacy.export_contact(school.id, "someone@example.org")["roster"] == []


def test_anonymize_old_deletes_students_long_gone_and_keeps_the_rest(db, school, now):
    old = now - timedelta(days=800)
    imported(school, csv_text(FAMILY_HEADER,
                              ["1", "A, Ana", "3", "Ann", "612 555 0100", "", "", "", ""],
                              ["2", "B, Bo", "3", "Bea", "612 555 0101", "", "", "", ""]), old)
    imported(school, csv_text(FAMILY_HEADER, ["1", "A, Ana", "4", "Ann", "612 555 0100", "", "", "", ""]), old)
    db.session.commit()
    gone_household = db.session.scalars(select(Student).where(Student.sis_id == "2")).one().household_id
    privacy.anonymize_older_than(365, now)
    db.session.commit()
    assert [s.sis_id for s in db.session.scalars(select(Student))] == ["1"]
    assert [g.name for g in db.session.scalars(select(Guardian))] == ["Ann"]
    household = db.session.get(Household, gone_household)
    assert (household.name, household.phone, household.channel) == ("", None, HouseholdChannel.NONE)


def test_the_csv_and_oneroster_kinds(app):
    assert read_roster_file(b"a,b\n1,2\n").kind == CSV
