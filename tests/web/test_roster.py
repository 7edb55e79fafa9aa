"""Importing the school roster through the pages, as an organizer: upload,
columns, preview of every row, confirm; bad files; another user's upload."""
import io
import re
import time

import pytest
from sqlalchemy import func, select

from portal.models import Household, RosterImport, Student
from portal.roster import uploads
from portal.sample_roster import oneroster_users_csv, oneroster_zip, sample_roster
from portal.services.roster_formats import MAX_BYTES
from tests.web.helpers import hidden_fields, text_of


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["ROSTER_UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config.pop("ROSTER_UPLOAD_DIR")


@pytest.fixture
def clerk(signed_in, upload_dir):
    return signed_in("organizer")


def upload(client, data, filename="roster.csv"):
    token = hidden_fields(text_of(client.get("/staff/roster/")))["csrf_token"]
    return client.post("/staff/roster/upload", content_type="multipart/form-data",
                       data={"csrf_token": token, "roster_file": (io.BytesIO(data), filename)})


def key_of(response):
    return re.search(r"/staff/roster/upload/([0-9a-f]{32})", response.headers["Location"]).group(1)


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_upload_columns_preview_confirm_imports_the_sample(clerk, db, upload_dir):
    sample = sample_roster(500)
    response = upload(clerk, sample.csv.encode())
    assert response.status_code == 302 and response.headers["Location"].endswith("/columns")
    key = key_of(response)
    assert (upload_dir / f"{key}.upload").exists()

    columns = text_of(clerk.get(f"/staff/roster/upload/{key}/columns"))
    # The PowerSchool column names were recognized: Student_Number is chosen for the student ID.
    assert re.search(r'<select[^>]*id="student_id"[^>]*>.*?<option selected value="0">Student_Number',
                     columns, re.S)
    fields = dict(re.findall(r'<select[^>]*name="(\w+)".*?<option selected value="(\d*)"', columns, re.S))
    fields["csrf_token"] = hidden_fields(columns)["csrf_token"]
    response = clerk.post(f"/staff/roster/upload/{key}/columns", data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/upload/{key}")
    assert count(db, Student) == 0  # nothing stored before the organizer confirms

    preview = text_of(clerk.get(f"/staff/roster/upload/{key}"))
    assert f"Import {sample.students} students" in preview
    assert "Unknown grade “Grade X”: not imported." in preview
    assert "No student ID: not imported." in preview
    assert "“555-12” is not a phone number: left out." in preview
    assert "Unknown language “Elvish”" in preview
    assert count(db, Student) == 0 and count(db, Household) == 0  # the preview took its trial back

    response = clerk.post(f"/staff/roster/upload/{key}/import",
                          data={"csrf_token": hidden_fields(preview)["csrf_token"]})
    assert response.status_code == 302
    assert count(db, Student, Student.active.is_(True)) == sample.students
    assert count(db, Household) == sample.households
    assert not (upload_dir / f"{key}.upload").exists()
    page = text_of(clerk.get("/staff/roster/"))
    assert f"{sample.students} added, 0 updated, 0 no longer enrolled, {sample.skipped} rows left out" in page
    assert "Households without a phone or email" in page
    record = db.session.scalars(select(RosterImport)).one()
    assert (record.added, record.skipped, record.created_by.email) == (sample.students, 2, "olivia@lincoln.example")


def test_a_spanish_header_is_understood(clerk, db):
    data = ("Número de estudiante,Nombre del estudiante,Grado,Nombre del padre/madre,Teléfono,Correo electrónico,"
            "Idioma\n7001,Núñez Lucía,KG,Ana Núñez,612-555-0199,,Español\n").encode()
    key = key_of(upload(clerk, data))
    columns = text_of(clerk.get(f"/staff/roster/upload/{key}/columns"))
    fields = dict(re.findall(r'<select[^>]*name="(\w+)".*?<option selected value="(\d*)"', columns, re.S))
    assert {name: value for name, value in fields.items() if value} == {
        "student_id": "0", "student_name": "1", "grade": "2", "guardian1_name": "3", "guardian1_phone": "4",
        "guardian1_email": "5", "language": "6"}
    fields["csrf_token"] = hidden_fields(columns)["csrf_token"]
    clerk.post(f"/staff/roster/upload/{key}/columns", data=fields)
    preview = text_of(clerk.get(f"/staff/roster/upload/{key}"))
    clerk.post(f"/staff/roster/upload/{key}/import", data={"csrf_token": hidden_fields(preview)["csrf_token"]})
    student = db.session.scalars(select(Student)).one()
    assert (student.name, student.grade) == ("Núñez Lucía", "K")
    assert (student.household.language, student.household.phone, student.household.channel) == \
        ("es", "+16125550199", "sms")


def test_the_organizer_corrects_a_column_and_a_missing_one_is_said(clerk, db):
    data = b"ID,Kid,Level,Tel\n1,Ana Diaz,3,6125550100\n"
    key = key_of(upload(clerk, data))
    token = hidden_fields(text_of(clerk.get(f"/staff/roster/upload/{key}/columns")))["csrf_token"]
    response = clerk.post(f"/staff/roster/upload/{key}/columns",
                          data={"csrf_token": token, "student_id": "0", "student_name": "1"})
    assert response.status_code == 422
    assert "Please choose the column for: Grade." in text_of(response)
    response = clerk.post(f"/staff/roster/upload/{key}/columns",
                          data={"csrf_token": token, "student_id": "0", "student_name": "1", "grade": "1"})
    assert response.status_code == 422 and "Each column can be chosen for one thing only." in text_of(response)
    response = clerk.post(f"/staff/roster/upload/{key}/columns",
                          data={"csrf_token": token, "student_id": "0", "student_name": "1", "grade": "2",
                                "guardian1_mobile": "3", "guardian1_phone": ""})
    assert response.status_code == 302
    assert "Import 1 student" in text_of(clerk.get(f"/staff/roster/upload/{key}"))


def test_a_oneroster_bundle_goes_straight_to_the_preview(clerk, db):
    users = oneroster_users_csv([({"given": "Hodan", "family": "Warsame", "sms": "+1 612 555 0142",
                                   "language": "Somali"},
                                  [{"id": "S1", "given": "Abdi", "family": "Warsame", "grade": "KG"},
                                   {"id": "S2", "given": "Ayaan", "family": "Warsame", "grade": "04"}])])
    response = upload(clerk, oneroster_zip(users), "oneroster.zip")
    key = key_of(response)
    assert response.headers["Location"].endswith(f"/upload/{key}")
    preview = text_of(clerk.get(f"/staff/roster/upload/{key}"))
    assert "Import 2 students" in preview
    clerk.post(f"/staff/roster/upload/{key}/import", data={"csrf_token": hidden_fields(preview)["csrf_token"]})
    household = db.session.scalars(select(Household)).one()
    assert (household.name, household.language, household.phone, len(household.students)) == \
        ("Hodan Warsame", "so", "+16125550142", 2)


@pytest.mark.parametrize("data, filename, message", [
    (b"", "empty.csv", "This file has no students in it."),
    (b"Student_Number,LastFirst,Grade_Level\n", "header-only.csv", "This file has no students in it."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "This is not a CSV file."),
    (b"%PDF-1.4 a report", "report.pdf", "This is not a CSV file."),
    (b"PK\x03\x04 not really a zip", "broken.zip", "This is not a CSV file."),
    (oneroster_zip("a,b\n1,2\n").replace(b"users.csv", b"other.csv"), "bundle.zip",
     "This zip file has no OneRoster users.csv in it."),
])
def test_a_bad_file_gets_a_clear_message_and_stores_nothing(clerk, db, upload_dir, data, filename, message):
    response = upload(clerk, data, filename)
    assert response.status_code == 422
    assert message in text_of(response)
    assert not list(upload_dir.glob("*.upload"))


def test_no_file_chosen(clerk):
    token = hidden_fields(text_of(clerk.get("/staff/roster/")))["csrf_token"]
    response = clerk.post("/staff/roster/upload", data={"csrf_token": token})
    assert response.status_code == 422 and "Please choose the roster file" in text_of(response)


def test_a_huge_file_is_refused_with_the_size_in_words(clerk, upload_dir):
    response = upload(clerk, b"a,b\n" + b"1,2\n" * (MAX_BYTES // 4 + 10))
    assert response.status_code == 422 and "This file is larger than 10 MB." in text_of(response)
    response = upload(clerk, b"a,b\n" + b"1,2\n" * (3 * MAX_BYTES // 4))
    assert response.status_code == 413 and "This file is larger than 10 MB." in text_of(response)
    assert not list(upload_dir.glob("*.upload"))


def test_an_upload_is_found_only_by_its_own_session(clerk, signed_in, db):
    key = key_of(upload(clerk, sample_roster(20).csv.encode()))
    other = signed_in("admin")
    for url in (f"/staff/roster/upload/{key}/columns", f"/staff/roster/upload/{key}"):
        response = other.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/staff/roster/")
    token = hidden_fields(text_of(other.get("/staff/roster/")))["csrf_token"]
    other.post(f"/staff/roster/upload/{key}/import", data={"csrf_token": token})
    assert count(db, Student) == 0
    assert clerk.get(f"/staff/roster/upload/{key}/columns").status_code == 200  # still the clerk's


def test_cancel_removes_the_file(clerk, db, upload_dir):
    key = key_of(upload(clerk, sample_roster(20).csv.encode()))
    token = hidden_fields(text_of(clerk.get(f"/staff/roster/upload/{key}/columns")))["csrf_token"]
    clerk.post(f"/staff/roster/upload/{key}/cancel", data={"csrf_token": token})
    assert not list(upload_dir.glob("*.upload"))
    assert clerk.get(f"/staff/roster/upload/{key}/columns").status_code == 302


def test_stale_uploads_are_removed(app, clerk, upload_dir):
    key = key_of(upload(clerk, sample_roster(20).csv.encode()))
    with app.test_request_context():
        uploads.remove_stale(now=time.time() + uploads.KEEP_SECONDS + 1)
    assert not (upload_dir / f"{key}.upload").exists()


def test_the_roster_page_is_in_the_staff_menu(clerk):
    page = text_of(clerk.get("/staff/events"))
    assert 'href="/staff/roster/"' in page
    assert "No roster yet." in text_of(clerk.get("/staff/roster/"))
