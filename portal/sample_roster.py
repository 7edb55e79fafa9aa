"""A realistic school roster for tests, browser tests and the benchmark: a
PowerSchool-style CSV (or a OneRoster bundle) of about 500 students in
about 330 households, nine home languages written the ways student
information systems write them, siblings sharing a guardian, and a few bad
rows (no student id, an unknown grade, a phone that is not one, a family
with no contact at all, an unknown language).

    sample_roster_csv()            -> str, the CSV
    sample_roster(students=500)    -> Sample: the CSV and what it should import
"""
import csv
import io
import random
import zipfile
from dataclasses import dataclass, field

HEADER = ["Student_Number", "LastFirst", "Grade_Level", "Home_Room", "Mother", "Mother_Cell_Phone",
          "Mother_Email", "Father", "Father_Day_Phone", "Home_Language"]

# Home language as the files write it -> the portal's code; English first (most families).
LANGUAGES = [
    (("English", "en", "eng"), "en", 40),
    (("Spanish", "Español", "spa", "es"), "es", 25),
    (("Somali", "Soomaali", "som"), "so", 7),
    (("Vietnamese", "Tiếng Việt", "vie"), "vi", 6),
    (("Arabic", "العربية", "ara"), "ar", 6),
    (("Haitian Creole", "Kreyòl ayisyen", "hat"), "ht", 5),
    (("Chinese", "中文", "zho"), "zh", 4),
    (("Dari", "prs"), "fa-AF", 4),
    (("Nepali", "nep"), "ne", 3),  # not shipped: counted, messages in the school's language
]
NAMES = {
    "en": (["Emily", "James", "Grace", "Daniel", "Olivia", "Noah"], ["Smith", "Johnson", "Brown", "Miller"]),
    "es": (["María", "José", "Lucía", "Mateo", "Sofía", "Carlos"], ["García", "Hernández", "López", "Núñez"]),
    "so": (["Hodan", "Abdi", "Faadumo", "Ayaan", "Mohamed"], ["Hassan", "Warsame", "Ali", "Farah"]),
    "vi": (["Linh", "Minh", "Anh", "Thảo", "Huy"], ["Nguyễn", "Trần", "Lê", "Phạm"]),
    "ar": (["فاطمة", "محمد", "Amina", "Omar", "Yusuf"], ["Haddad", "Saleh", "العلي", "Nasser"]),
    "ht": (["Widline", "Jean", "Marie", "Wilner", "Rose"], ["Pierre", "Joseph", "Baptiste", "Louis"]),
    "zh": (["Wei", "Mei", "Jun", "李明", "王芳"], ["Chen", "Wang", "Li", "Zhang"]),
    "fa-AF": (["Ahmad", "Zahra", "Farid", "Mariam"], ["Ahmadi", "Rahimi", "Karimi", "Noori"]),
    "ne": (["Sita", "Ram", "Bishnu", "Anita"], ["Gurung", "Tamang", "Rai", "Thapa"]),
}
GRADES_WRITTEN = [("PK", "PK"), ("KG", "K"), ("K", "K"), ("01", "1"), ("1", "1"), ("02", "2"), ("3", "3"),
                  ("4", "4"), ("05", "5"), ("6", "6"), ("7", "7"), ("8", "8"), ("9", "9"), ("10", "10"),
                  ("11", "11"), ("12", "12")]


@dataclass
class Sample:
    csv: str
    students: int = 0  # rows that import
    skipped: int = 0  # rows that cannot (no id, unknown grade)
    households: int = 0
    languages: dict = field(default_factory=dict)  # household language -> households
    no_contact: int = 0  # households with neither phone nor email
    bad_phones: int = 0
    unknown_languages: int = 0


def _phone(rng, used):
    while True:  # 612-555-0000 to 612-564-9999: room for a district's families
        number = f"612{rng.randrange(555, 565)}{rng.randrange(10000):04d}"
        if number not in used:
            used.add(number)
            return f"({number[:3]}) {number[3:6]}-{number[6:]}"


def sample_roster(students=500, seed=13, bad_rows=True):
    """The CSV, and what importing it should give (households by language...)."""
    rng = random.Random(seed)
    weights = [weight for _names, _code, weight in LANGUAGES]
    rows, used_phones, sample = [], set(), Sample(csv="")
    number = 100000
    while len(rows) < students:
        written, code, _weight = rng.choices(LANGUAGES, weights)[0]
        first_names, last_names = NAMES[code]
        family = rng.choice(last_names)
        mother = f"{rng.choice(first_names)} {family}"
        father = f"{rng.choice(first_names)} {family}" if rng.random() < 0.5 else ""
        contact = rng.random()
        mother_phone = _phone(rng, used_phones) if contact < 0.85 else ""
        mother_email = f"family{number}@example.org" if contact > 0.6 else ""
        father_phone = _phone(rng, used_phones) if father and rng.random() < 0.4 else ""
        if bad_rows and contact > 0.985:
            mother_phone = mother_email = father_phone = ""  # no contact at all
        language = rng.choice(written)
        children = min(rng.choice([1, 1, 1, 2, 2, 3]), students - len(rows))
        # Without a phone or an email nothing shows that siblings share a home: one household each.
        reachable = bool(mother_phone or mother_email or father_phone)
        households = 1 if reachable else children
        sample.households += households
        sample.languages[code] = sample.languages.get(code, 0) + households
        sample.no_contact += 0 if reachable else households
        for _child in range(children):
            number += 1
            grade_written, _grade = rng.choice(GRADES_WRITTEN)
            child = f"{family}, {rng.choice(first_names)}"
            rows.append([str(number), child, grade_written, f"R{rng.randrange(1, 30)}", mother, mother_phone,
                         mother_email, father, father_phone, language])
    if bad_rows:
        # A clerk's typical mistakes, on rows of their own (not counted in the households above).
        rows.append(["", "Nobody, Noid", "3", "R1", "Ann Nobody", "(612) 555-0001", "", "", "", "English"])
        rows.append([str(number + 1), "Grade, Unknown", "Grade X", "R2", "Bea Grade", "(612) 555-0002", "",
                     "", "", "Spanish"])
        rows.append([str(number + 2), "Phone, Bad", "4", "R3", "Cy Phone", "555-12", "cy@example.org", "", "",
                     "Spanish"])
        rows.append([str(number + 3), "Language, Unknown", "5", "R4", "Di Lang", "(612) 555-0003", "", "", "",
                     "Elvish"])
        sample.skipped = 2
        sample.bad_phones = 1
        sample.unknown_languages = 1
        sample.households += 2
        sample.languages["es"] = sample.languages.get("es", 0) + 1
        sample.languages["en"] = sample.languages.get("en", 0) + 1  # Elvish falls back to the school's language
    sample.students = len(rows) - sample.skipped
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    sample.csv = out.getvalue()
    return sample


def sample_roster_csv(students=500, seed=13, bad_rows=True):
    return sample_roster(students, seed, bad_rows).csv


ONEROSTER_USER_COLUMNS = ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
                          "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email",
                          "sms", "phone", "agentSourcedIds", "grades", "password", "metadata.homeLanguage"]


def oneroster_users_csv(families):
    """A OneRoster users.csv: `families` is a list of (guardian dict, [student dict]);
    guardian: given, family, sms, phone, email, language, role;
    student: id, given, family, grade, language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ONEROSTER_USER_COLUMNS)
    for index, (guardian, children) in enumerate(families):
        guardian_id = f"g-{index}"
        student_ids = [f"s-{child['id']}" for child in children]
        writer.writerow([guardian_id, "active", "2026-08-01T00:00:00Z", "true", "org-1",
                         guardian.get("role", "guardian"), "", "", guardian["given"], guardian["family"], "", "",
                         guardian.get("email", ""), guardian.get("sms", ""), guardian.get("phone", ""),
                         ",".join(student_ids), "", "", guardian.get("language", "")])
        for child, student_id in zip(children, student_ids):
            writer.writerow([student_id, "active", "2026-08-01T00:00:00Z", "true", "org-1", "student", "", "",
                             child["given"], child["family"], "", child["id"], "", "", "", guardian_id,
                             child["grade"], "", child.get("language", "")])
    return out.getvalue()


def oneroster_zip(users_csv, extra=None):
    """A OneRoster bundle: manifest.csv, users.csv (and `extra` files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("manifest.csv", "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
                                        "file.users,bulk\n")
        bundle.writestr("users.csv", users_csv)
        for name, text in (extra or {}).items():
            bundle.writestr(name, text)
    return buffer.getvalue()
