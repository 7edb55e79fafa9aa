"""Reading a roster file: a CSV exported from a student information system
(with columns guessed from its header) or a OneRoster 1.1/1.2 CSV bundle,
into rows of students and guardians, each with its problems."""
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError

from ..config import LANGUAGES
from ..i18n import LANGUAGE_ALIASES
from ..models import GRADES
from ..vocabulary import RosterFormat
from .contact import normalize_email, normalize_phone, search_key
from .errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# A zip may hold at most this much once unpacked: a small zip can unpack to gigabytes.
MAX_UNZIPPED_BYTES = 4 * MAX_BYTES
GUARDIAN_SLOTS = (1, 2)

CSV, ONEROSTER = RosterFormat.CSV, RosterFormat.ONEROSTER

# Problems that keep a row out of the import, and problems the row is imported with.
BLOCKING = ("missing_student_id", "missing_name", "unknown_grade", "duplicate_student_id")
WARNINGS = ("phone_invalid", "email_invalid", "unknown_language", "no_contact")


@dataclass
class GuardianRow:
    name: str = ""
    phone: str | None = None
    email: str | None = None
    language: str = ""  # a code, or "" when none was given or it was not understood
    source_id: str | None = None


@dataclass
class RosterRow:
    line: int
    sis_id: str
    name: str
    grade: str | None
    homeroom: str = ""
    guardians: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (code, the value in the file)

    @property
    def skipped(self):
        return any(code in BLOCKING for code, _value in self.problems)


@dataclass
class RosterFile:
    kind: str  # CSV or ONEROSTER
    header: list
    records: list  # for CSV: the rows as lists of cells, after the header; for OneRoster: RosterRows

    @property
    def row_count(self):
        return len(self.records)


# ---------------------------------------------------------------- languages

# What student information systems write that no locale data names.
LANGUAGE_WORDS = {
    "creole": "ht", "haitian": "ht", "kreyol": "ht", "farsi": "fa", "mandarin": "zh", "chinese mandarin": "zh",
    "chinese": "zh", "tagalog": "fil", "filipino": "fil", "cantonese": "yue", "hmong": "hmn", "karen": "kar",
    "somali": "so", "af soomaali": "so", "swahili": "sw", "kiswahili": "sw", "dari": "prs", "pashto": "ps",
    "kinyarwanda": "rw", "chuukese": "chk", "marshallese": "mh", "oromo": "om", "tigrinya": "ti",
}
# ISO 639-2 codes (bibliographic and terminology) of the languages schools see most.
ISO_639_2 = {
    "eng": "en", "spa": "es", "zho": "zh", "chi": "zh", "cmn": "zh", "vie": "vi", "ara": "ar", "som": "so",
    "hat": "ht", "por": "pt", "rus": "ru", "kor": "ko", "fra": "fr", "fre": "fr", "ukr": "uk", "prs": "prs",
    "fas": "fa", "per": "fa", "fil": "fil", "tgl": "fil", "swa": "sw", "swh": "sw", "yue": "yue",
    "hmn": "hmn", "kar": "kar", "nep": "ne", "amh": "am", "mya": "my", "bur": "my", "hin": "hi", "urd": "ur",
    "ben": "bn", "pan": "pa", "jpn": "ja", "pus": "ps", "kin": "rw", "tir": "ti", "orm": "om", "lao": "lo",
    "khm": "km", "tha": "th", "pol": "pl", "deu": "de", "ger": "de", "ita": "it", "guj": "gu", "tel": "te",
    "tam": "ta", "mar": "mr", "nav": "nv", "srp": "sr", "bos": "bs", "hrv": "hr", "tur": "tr", "heb": "he",
    "ell": "el", "gre": "el", "rum": "ro", "ron": "ro", "alb": "sq", "sqi": "sq", "uzb": "uz",
}
# Languages whose own name is often written in the files (besides the shipped ones).
ENDONYM_LANGUAGES = ("ps", "ne", "am", "my", "hi", "ur", "bn", "pa", "ja", "lo", "km", "th", "pl", "de",
                     "it", "gu", "te", "ta", "ti", "om", "rw", "tr", "he", "el", "ro", "sq", "uz", "yue",
                     "fa", "tl", "hmn")


def _name_key(text):
    return " ".join(re.sub(r"[^\w]+", " ", search_key(text)).replace("_", " ").split())


def _portal_code(code):
    """The portal's code for a language: a shipped one as LANGUAGES writes
    it ("fa-AF"), another as its ISO code."""
    code = code.replace("_", "-")
    code = LANGUAGE_ALIASES.get(code.lower(), code)
    shipped = next((language for language in LANGUAGES if language.lower() == code.lower()), None)
    return shipped or code.lower()


@cache
def _language_names():
    names = {}

    def add(name, code):
        key = _name_key(name)
        if key and key not in names:
            names[key] = _portal_code(code)

    for code, name in Locale("en").languages.items():
        add(name, code)
    for word, code in LANGUAGE_WORDS.items():
        add(word, code)
    for code, name in LANGUAGES.items():
        add(name, code)
    for code in [*LANGUAGES, *ENDONYM_LANGUAGES]:
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        add(locale.get_display_name(locale) or "", code)
        add(locale.languages.get(code.split("-")[0], ""), code)
    # Names of languages as staff write them in a shipped language ("Inglés", "Árabe").
    for code in LANGUAGES:
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        for other, name in locale.languages.items():
            add(name, other)
    return names


@cache
def _language_codes():
    return {code.lower() for code in Locale("en").languages} | {code.lower() for code in LANGUAGES}


@lru_cache(maxsize=4096)
def language_code(text):
    """'Spanish', 'Español', 'es', 'spa', 'SPA' -> 'es'; 'Haitian Creole',
    'Kreyòl ayisyen', 'hat' -> 'ht'; 'Dari' -> 'fa-AF'; 'Nepali' -> 'ne' (a
    language the portal does not ship keeps its ISO code); None when the
    text names no language."""
    text = (text or "").strip()
    if not text or len(text) > 60:
        return None
    lowered = text.lower().replace("_", "-")
    if lowered in _language_codes() or lowered in LANGUAGE_ALIASES:
        return _portal_code(lowered)
    if lowered in ISO_639_2:
        return _portal_code(ISO_639_2[lowered])
    key = _name_key(text)
    if key in _language_names():
        return _language_names()[key]
    # "Spanish (Mexico)", "Chinese - Mandarin", "fr-CA"
    head = re.split(r"[(\-,/;]", text)[0].strip()
    if head and head != text:
        return language_code(head)
    return None


# ------------------------------------------------------------------- grades

_GRADE_WORDS = {
    "pk": "PK", "pre k": "PK", "prek": "PK", "p": "PK", "tk": "PK", "pr": "PK", "ps": "PK", "p4": "PK",
    "p3": "PK", "prekindergarten": "PK", "pre kindergarten": "PK", "preschool": "PK", "prekinder": "PK",
    "pre kinder": "PK", "preescolar": "PK",
    "k": "K", "kg": "K", "kn": "K", "kinder": "K", "kindergarten": "K", "kinderg": "K", "0": "K", "00": "K",
    "kindergarden": "K", "jardin de infancia": "K",
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "primero": 1,
             "segundo": 2, "tercero": 3, "cuarto": 4, "quinto": 5, "sexto": 6, "septimo": 7, "octavo": 8,
             "noveno": 9, "decimo": 10}


@lru_cache(maxsize=1024)
def grade_code(text):
    """'KG', 'K', 'Kindergarten', '0' -> 'K'; 'PK', 'TK', 'Pre-K', '-1' ->
    'PK'; '01', '1st', 'Grade 3', '3rd grade', 'Grado 4' -> the number as
    GRADES writes it; None for anything else."""
    key = _name_key(text).replace("grade", "").replace("grado", "").replace("level", "").strip()
    if (text or "").strip() == "-1":
        return "PK"
    if key in _GRADE_WORDS:
        return _GRADE_WORDS[key]
    if key in _ORDINALS:
        return str(_ORDINALS[key])
    match = re.fullmatch(r"0*(\d{1,2})(?: ?(?:st|nd|rd|th|o|to|vo|no|ro|er|e|eme|º|°))?", key)
    if match and str(int(match.group(1))) in GRADES:
        return str(int(match.group(1)))
    return None


# --------------------------------------------------------------- reading files

def read_roster_file(data, region="US"):
    """The roster in `data` (the bytes uploaded), or DomainError
    ('roster_empty', 'roster_too_big', 'roster_too_many_rows',
    'roster_not_csv', 'oneroster_no_users'). Phone numbers without a
    country code are read as numbers of `region`."""
    if not data or not data.strip():
        raise DomainError("roster_empty")
    if len(data) > MAX_BYTES:
        raise DomainError("roster_too_big", max_mb=MAX_BYTES // (1024 * 1024))
    if data[:4] == b"PK\x03\x04":
        return _read_oneroster_zip(data, region)
    table = _csv_table(data)
    header = [cell.strip() for cell in table[0]]
    if _is_oneroster_users(header):
        return RosterFile(ONEROSTER, header, oneroster_rows(table, region))
    if len(table) < 2:
        raise DomainError("roster_empty")
    return RosterFile(CSV, header, table[1:])


def _csv_table(data):
    if b"\x00" in data[:4096]:
        raise DomainError("roster_not_csv")  # a spreadsheet, an image, UTF-16
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    sample = text[:20000]
    delimiter = max(",;\t|", key=lambda candidate: sample.split("\n", 1)[0].count(candidate))
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error:
        raise DomainError("roster_not_csv") from None
    if not rows:
        raise DomainError("roster_empty")
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError("roster_too_many_rows", max=MAX_ROWS)
    if len(rows[0]) < 2 or sample.lstrip().startswith(("<", "{", "%PDF")):
        raise DomainError("roster_not_csv")
    return rows


def _read_oneroster_zip(data, region):
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename.rsplit("/", 1)[-1].lower(): info for info in bundle.infolist()
                   if not info.is_dir()}
        if sum(info.file_size for info in bundle.infolist()) > MAX_UNZIPPED_BYTES:
            raise DomainError("roster_too_big", max_mb=MAX_BYTES // (1024 * 1024))
        users = members.get("users.csv")
        if users is None:
            raise DomainError("oneroster_no_users")
        table = _csv_table(bundle.read(users))
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
        raise DomainError("roster_not_csv") from None
    header = [cell.strip() for cell in table[0]]
    if not _is_oneroster_users(header):
        raise DomainError("oneroster_no_users")
    return RosterFile(ONEROSTER, header, oneroster_rows(table, region))


def _is_oneroster_users(header):
    names = {cell.strip().lower() for cell in header}
    return {"sourcedid", "role"} <= names and ("givenname" in names or "familyname" in names)


# ----------------------------------------------------------- column mapping

FIELDS = ("student_id", "student_name", "student_first", "student_last", "grade", "homeroom", "language",
          *(f"guardian{slot}_{part}" for slot in GUARDIAN_SLOTS
            for part in ("name", "first", "last", "mobile", "phone", "email", "language")))

_STUDENT_WORDS = {
    "student_id": ("student number", "student id", "studentnumber", "student_number", "studentid", "id",
                   "student no", "sis id", "local id", "localid", "state id", "student", "numero de estudiante",
                   "id del estudiante", "numero", "matricula", "id estudiante", "dcid", "stu id", "identifier"),
    "student_name": ("student name", "name", "lastfirst", "last first", "full name", "nombre del estudiante",
                     "nombre", "nombre completo", "estudiante", "nombre estudiante", "alumno", "student full name"),
    "student_first": ("first name", "firstname", "first", "given name", "student first name", "primer nombre",
                      "nombre de pila", "preferred first name"),
    "student_last": ("last name", "lastname", "last", "family name", "surname", "student last name", "apellido",
                     "apellidos"),
    "grade": ("grade", "grade level", "grade_level", "gradelevel", "grado", "nivel", "curso", "grades",
              "current grade"),
    "homeroom": ("homeroom", "home room", "home_room", "homeroom teacher", "salon", "salon hogar", "aula",
                 "clase", "homeroom name", "section"),
    "language": ("language", "home language", "homelanguage", "home_language", "primary language",
                 "home primary language", "language spoken at home", "idioma", "idioma del hogar",
                 "idioma en casa", "lengua materna", "parent language", "correspondence language",
                 "preferred language", "idioma preferido", "language of correspondence"),
}
_GUARDIAN_WORDS = ("guardian", "parent", "contact", "mother", "father", "tutor", "padre", "madre",
                   "acudiente", "responsable", "encargado", "family", "familia", "mom", "dad", "household")
_PHONE_WORDS = ("phone", "telephone", "tel", "telefono", "cell", "mobile", "celular", "movil", "sms", "text")
_MOBILE_WORDS = ("cell", "mobile", "celular", "movil", "sms", "text")
_EMAIL_WORDS = ("email", "e mail", "mail", "correo", "correo electronico", "guardianemail")
_LANGUAGE_WORDS = ("language", "idioma", "lengua")


def _header_key(text):
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")  # FirstName -> First Name
    spaced = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", spaced)  # Parent1 -> Parent 1
    return _name_key(spaced)


def _guardian_slot(words):
    if any(word in ("father", "padre", "dad") for word in words) and not any(
            word in ("mother", "madre", "mom") for word in words):
        return 2
    for word in words:
        if word.isdigit() and int(word) in GUARDIAN_SLOTS:
            return int(word)
    return 1


def _guess_field(key):
    words = key.split()
    if not words:
        return None
    guardian = any(word in _GUARDIAN_WORDS or word.rstrip("s") in _GUARDIAN_WORDS or word.startswith("guardian")
                   for word in words)
    has = lambda vocabulary: any(word in vocabulary for word in words) or key in vocabulary  # noqa: E731
    if not guardian and "student" not in words and "estudiante" not in words:
        for name, vocabulary in _STUDENT_WORDS.items():
            if key in vocabulary:
                return name
    if guardian or has(_PHONE_WORDS) or has(_EMAIL_WORDS):
        slot = _guardian_slot(words) if guardian else 1
        if has(_EMAIL_WORDS) or any(word.endswith("email") for word in words):
            return f"guardian{slot}_email"
        if has(_PHONE_WORDS):
            return f"guardian{slot}_{'mobile' if has(_MOBILE_WORDS) else 'phone'}"
        if has(_LANGUAGE_WORDS):
            return f"guardian{slot}_language"
        if "first" in words:
            return f"guardian{slot}_first"
        if "last" in words or "apellido" in words:
            return f"guardian{slot}_last"
        if guardian and not has(("id", "number", "relationship", "relation", "type", "address", "priority")):
            return f"guardian{slot}_name"
        return None
    if "student" in words or "estudiante" in words:
        for name, vocabulary in _STUDENT_WORDS.items():
            if key in vocabulary:
                return name
        rest = " ".join(word for word in words if word not in ("student", "estudiante", "del", "de"))
        for name in ("student_first", "student_last", "student_id", "grade", "homeroom"):
            if rest and rest in _STUDENT_WORDS[name]:
                return name
        if rest in ("", "full name", "name", "nombre"):
            return "student_name"
        if rest in ("number", "no", "id", "numero"):
            return "student_id"
        return None
    if has(_LANGUAGE_WORDS):
        return "language"
    if has(("grade", "grado")):
        return "grade"
    return None


def guess_mapping(header):
    """{field: column index} guessed from the header, each field to at most
    one column and each column to at most one field."""
    mapping = {}
    for index, title in enumerate(header):
        name = _guess_field(_header_key(title))
        if name and name not in mapping:
            mapping[name] = index
    if "student_name" in mapping and ("student_first" in mapping or "student_last" in mapping):
        # "Name" beside first and last names is usually the one to show: keep only it.
        mapping.pop("student_first", None)
        mapping.pop("student_last", None)
    return mapping


def check_mapping(mapping, column_count):
    """The problems of a mapping: a required column missing, a column
    chosen for two fields, an index out of range."""
    if any(not 0 <= index < column_count for index in mapping.values()):
        raise DomainError("roster_mapping_invalid")
    if "student_id" not in mapping:
        raise DomainError("roster_mapping_needs", field="student_id")
    if "student_name" not in mapping and "student_first" not in mapping and "student_last" not in mapping:
        raise DomainError("roster_mapping_needs", field="student_name")
    if "grade" not in mapping:
        raise DomainError("roster_mapping_needs", field="grade")
    if len(set(mapping.values())) != len(mapping):
        raise DomainError("roster_mapping_twice")


# ------------------------------------------------------------- rows from a CSV

def rows_from_csv(records, mapping, region):
    """RosterRows from the CSV's records with the (checked) mapping; phone
    numbers without a country code are read as numbers of `region`."""
    def cell(record, name):
        index = mapping.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    rows = []
    for number, record in enumerate(records, start=2):
        name = cell(record, "student_name") or " ".join(
            part for part in (cell(record, "student_first"), cell(record, "student_last")) if part)
        home_language = cell(record, "language")
        guardians = []
        for slot in GUARDIAN_SLOTS:
            prefix = f"guardian{slot}_"
            guardian_name = cell(record, prefix + "name") or " ".join(
                part for part in (cell(record, prefix + "first"), cell(record, prefix + "last")) if part)
            phones = [cell(record, prefix + "mobile"), cell(record, prefix + "phone")]
            email = cell(record, prefix + "email")
            language = cell(record, prefix + "language") or home_language
            if guardian_name or any(phones) or email:
                guardians.append((guardian_name, phones, email, language, None))
        rows.append(build_row(number, cell(record, "student_id"), name, cell(record, "grade"),
                              cell(record, "homeroom"), guardians, region))
    mark_duplicates(rows)
    return rows


# A district's file repeats the same phones and emails (siblings): each is parsed once.
_phone = lru_cache(maxsize=1 << 16)(normalize_phone)
_email = lru_cache(maxsize=1 << 16)(normalize_email)


def build_row(line, sis_id, name, grade_text, homeroom, guardians, region):
    """A RosterRow, its values cleaned and its problems listed. `guardians`
    holds (name, [phone texts, best first], email text, language text,
    source id)."""
    row = RosterRow(line=line, sis_id=sis_id[:64], name=" ".join(name.split())[:200], grade=grade_code(grade_text),
                    homeroom=homeroom[:60])
    if not row.sis_id:
        row.problems.append(("missing_student_id", ""))
    if not row.name:
        row.problems.append(("missing_name", ""))
    if row.grade is None:
        row.problems.append(("unknown_grade", grade_text))
    for guardian_name, phone_texts, email_text, language_text, source_id in guardians:
        guardian = GuardianRow(name=" ".join(guardian_name.split())[:200], source_id=source_id)
        for text in filter(None, phone_texts):
            phone = _phone(text, region)
            if phone is None:
                row.problems.append(("phone_invalid", text))
            elif guardian.phone is None:
                guardian.phone = phone
        if email_text:
            guardian.email = _email(email_text)
            if guardian.email is None:
                row.problems.append(("email_invalid", email_text))
        if language_text:
            guardian.language = language_code(language_text) or ""
            if not guardian.language and ("unknown_language", language_text) not in row.problems:
                row.problems.append(("unknown_language", language_text))
        row.guardians.append(guardian)
    if not any(guardian.phone or guardian.email for guardian in row.guardians):
        row.problems.append(("no_contact", ""))
    return row


def mark_duplicates(rows):
    seen = set()
    for row in rows:
        if row.sis_id and row.sis_id in seen:
            row.problems.append(("duplicate_student_id", row.sis_id))
        seen.add(row.sis_id)


# ------------------------------------------------------------------ OneRoster

ONEROSTER_GUARDIAN_ROLES = ("parent", "guardian", "relative")


def _oneroster_language(user):
    for column, value in user.items():
        if column.startswith("metadata.") and "lang" in column and value.strip():
            return value.strip()
    return ""


def oneroster_rows(table, region="US"):
    """RosterRows from a OneRoster users.csv: students (role 'student') and
    their parents, guardians and relatives, linked both ways by
    agentSourcedIds. The student's `identifier` is the SIS id (its
    sourcedId when empty); the home language is read from a metadata.*
    column naming a language."""
    header = [cell.strip() for cell in table[0]]
    lowered = [cell.lower() for cell in header]
    if len(table) - 1 > MAX_ROWS:
        raise DomainError("roster_too_many_rows", max=MAX_ROWS)
    users, line_of = [], {}
    for number, record in enumerate(table[1:], start=2):
        user = {lowered[index]: (record[index].strip() if index < len(record) else "")
                for index in range(len(lowered))}
        line_of[id(user)] = number
        if user.get("status", "").lower() == "tobedeleted" or user.get("enableduser", "").lower() == "false":
            continue
        users.append(user)
    by_id = {user.get("sourcedid"): user for user in users}
    agents = {}
    for user in users:
        role = user.get("role", "").lower()
        for other in filter(None, (part.strip() for part in user.get("agentsourcedids", "").split(","))):
            if role == "student":
                agents.setdefault(user["sourcedid"], []).append(other)
            elif role in ONEROSTER_GUARDIAN_ROLES:
                agents.setdefault(other, []).append(user["sourcedid"])
    rows = []
    for user in users:
        if user.get("role", "").lower() != "student":
            continue
        student_language = _oneroster_language(user)
        guardians = []
        for agent_id in dict.fromkeys(agents.get(user.get("sourcedid"), [])):
            agent = by_id.get(agent_id)
            if agent is None or agent.get("role", "").lower() not in ONEROSTER_GUARDIAN_ROLES:
                continue
            name = " ".join(part for part in (agent.get("givenname", ""), agent.get("familyname", "")) if part)
            guardians.append((name, [agent.get("sms", ""), agent.get("phone", "")], agent.get("email", ""),
                              _oneroster_language(agent) or student_language, agent_id[:100]))
        grade = user.get("grades", "").split(",")[0].strip()
        name = " ".join(part for part in (user.get("preferredgivenname") or user.get("givenname", ""),
                                          user.get("familyname", "")) if part)
        rows.append(build_row(line_of[id(user)], user.get("identifier") or user.get("sourcedid", ""), name,
                              grade, "", guardians, region))
    mark_duplicates(rows)
    return rows
