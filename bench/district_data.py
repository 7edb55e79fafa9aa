"""A school district's worth of data on PostgreSQL, for bench/load.py.

50 schools, 5,000 events over the past year and the next four months (texts
in two or three languages, some with childcare, interpreters, rides, meals),
500,000 registrations with their needs, "can't come" answers for past
events, attendance for past events, and staff (an organizer and a front-desk
account) for the first school. Three events of that school matter to the
benchmark and are kept in the marker table:

- the front-desk event: today, 5,000 registrations (some already checked in);
- the dashboard event: upcoming, 1,000 registrations;
- the sign-up event: upcoming, where the benchmark's registrations go.

The schema is the migrated one (`flask db upgrade` through create_app and
flask_migrate.upgrade); rows go in with COPY. A table `bench_district`
(outside the app's models) holds one JSON marker row: a database whose marker
matches the parameters asked for is reused as it is.

Manage tokens of the built registrations are derived from their id and the
seed (`manage_token`), so the benchmark knows valid /r/<token> links without
registering first; only their SHA-256 is stored, as the app does.
"""
import base64
import hashlib
import json
import random
import secrets
import time as clock
from dataclasses import asdict, dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.clock import local_now, local_to_utc, to_utc, utcnow

MARKER_TABLE = "bench_district"
MARKER_VERSION = 3
STAFF_PASSWORD = "bench-district-password"
TIMEZONE = "America/Chicago"


@dataclass(frozen=True)
class DistrictSpec:
    schools: int = 50
    events: int = 5_000
    registrations: int = 500_000
    frontdesk_event_size: int = 5_000
    dashboard_event_size: int = 1_000
    signup_event_size: int = 100
    seed: int = 7


# -- words ---------------------------------------------------------------------------------

SCHOOL_NAMES = [
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Franklin", "Garfield", "Hamilton", "Madison",
    "Monroe", "Jackson", "Whittier", "Longfellow", "Emerson", "Hawthorne", "Lowell", "Sojourner Truth",
    "Cesar Chavez", "Harriet Tubman", "Frederick Douglass", "Maya Angelou", "Roberto Clemente",
    "Sitting Bull", "Sequoyah", "Marie Curie", "Dolores Huerta", "Ella Baker", "Rosa Parks",
    "Thurgood Marshall", "Amelia Earhart", "Sally Ride", "Mae Jemison", "Wilma Rudolph", "Jim Thorpe",
    "Langston Hughes", "Zora Neale Hurston", "Pablo Neruda", "Gabriela Mistral", "Fred Rogers",
    "Lakeview", "Riverside", "Maple Grove", "Cedar Park", "Oak Hill", "Prairie View", "Northside",
    "Southwood", "Eastgate", "Westfield", "Hillcrest", "Valley",
]
LEVELS = [
    ("Elementary School", ["PK", "K", "1", "2", "3", "4", "5"]),
    ("Middle School", ["6", "7", "8"]),
    ("High School", ["9", "10", "11", "12"]),
]
GRADE_CODES = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
GRADE_BIT = {grade: 1 << index for index, grade in enumerate(GRADE_CODES)}

# (title, description) per language; {g} is a grade, {s} the school.
EVENT_KINDS = [
    {
        "en": ("Family math night, grade {g}", "Play the math games your child plays in class. Dinner is on us."),
        "es": ("Noche de matemáticas en familia, grado {g}",
               "Jueguen los juegos de matemáticas que su hijo juega en clase. La cena es gratis."),
        "vi": ("Đêm toán học gia đình, lớp {g}", "Cùng chơi các trò chơi toán mà con bạn chơi ở lớp. Có bữa tối miễn phí."),
        "so": ("Habeenka xisaabta qoyska, fasalka {g}", "Ciyaar ciyaaraha xisaabta ee ilmahaagu fasalka ku ciyaaro."),
    },
    {
        "en": ("Grade {g} breakfast with the teachers", "Coffee, pastries and a song from the class. Meet your child's teachers."),
        "es": ("Desayuno con las maestras, grado {g}", "Café, pan dulce y una canción de la clase. Conozca a los maestros."),
        "ar": ("فطور مع المعلمين، الصف {g}", "قهوة ومعجنات وأغنية من الصف. تعرّفوا على معلمي طفلكم."),
        "zh": ("{g}年级与老师共进早餐", "咖啡、点心和班级的歌曲。认识您孩子的老师。"),
    },
    {
        "en": ("New family orientation", "A tour of {s}, how the day works, and who to call. Bring your questions."),
        "es": ("Orientación para familias nuevas", "Un recorrido por {s}, cómo es el día y a quién llamar. Traiga sus preguntas."),
        "so": ("Hagitaanka qoysaska cusub", "Socdaal dugsiga {s}, sida maalintu u socoto, iyo cida la wacayo."),
        "ar": ("تعريف العائلات الجديدة", "جولة في {s}، وكيف يسير اليوم، ومن تتصلون به. أحضروا أسئلتكم."),
    },
    {
        "en": ("Reading together workshop, grade {g}", "Simple ways to read with your child at home, in any language."),
        "es": ("Taller de lectura en familia, grado {g}", "Maneras sencillas de leer con su hijo en casa, en cualquier idioma."),
        "vi": ("Hội thảo cùng đọc sách, lớp {g}", "Những cách đơn giản để đọc sách với con ở nhà, bằng bất kỳ ngôn ngữ nào."),
        "ht": ("Atelye li ansanm, klas {g}", "Fason senp pou li ak pitit ou lakay, nan nenpòt lang."),
    },
    {
        "en": ("PTA meeting", "Plan the next months together. Childcare and dinner for the whole family."),
        "es": ("Reunión de la PTA", "Planeemos juntos los próximos meses. Cuidado de niños y cena para toda la familia."),
        "zh": ("家长教师协会会议", "一起规划接下来的几个月。提供托儿服务和全家晚餐。"),
    },
    {
        "en": ("Student-led conferences, grade {g}", "Your child shows you their work and their goals. Sign up for a time."),
        "es": ("Conferencias dirigidas por estudiantes, grado {g}",
               "Su hijo le muestra su trabajo y sus metas. Elija un horario."),
        "ar": ("لقاءات يقودها الطلاب، الصف {g}", "يعرض طفلكم عليكم عمله وأهدافه. اختاروا موعدًا."),
    },
    {
        "en": ("Family science night", "Hands-on experiments for the whole family, with pizza for dinner."),
        "es": ("Noche de ciencias en familia", "Experimentos para toda la familia, con pizza para cenar."),
        "so": ("Habeenka sayniska qoyska", "Tijaabooyin qoyska oo dhan, iyo pizza casho ah."),
        "vi": ("Đêm khoa học gia đình", "Thí nghiệm thực hành cho cả gia đình, có pizza cho bữa tối."),
    },
    {
        "en": ("College and career night", "FAFSA, scholarships and training programs, explained step by step."),
        "es": ("Noche de universidad y carreras", "FAFSA, becas y programas de formación, explicados paso a paso."),
        "zh": ("大学与职业之夜", "逐步讲解助学金申请、奖学金和培训项目。"),
        "ru": ("Вечер о колледже и профессии", "FAFSA, стипендии и программы обучения, шаг за шагом."),
    },
]
LOCATIONS = ["Cafeteria", "Gym", "Library", "Auditorium", "Room 12", "Music room", "Playground", "Front office"]

FIRST = ["María", "José", "Lucía", "Juan", "Ana", "Luis", "Sofía", "Carlos", "Fatima", "Ahmed", "Amina", "Omar",
         "Nguyễn", "Trần", "Linh", "Minh", "Wei", "Mei", "Jun", "Olga", "Ivan", "Natalia", "Hodan", "Abdi",
         "Faadumo", "Jean", "Marie", "Widline", "João", "Beatriz", "Min-jun", "Seo-yeon", "Emily", "James",
         "Grace", "Daniel", "Aaliyah", "Mateo", "Chloé", "Zoë", "فاطمة", "محمد", "Анна", "Дмитрий", "李", "王"]
LAST = ["González", "Rodríguez", "Hernández", "Núñez", "Pérez", "García", "López", "Martínez", "Al-Zahra",
        "Hassan", "Mohamed", "Yusuf", "Phạm", "Lê", "Hoàng", "Đặng", "Chen", "Li", "Wang", "Zhang", "Ivanova",
        "Smirnov", "Warsame", "Farah", "Jean-Baptiste", "Pierre", "Joseph", "Silva", "Santos", "Kim", "Park",
        "Choi", "Johnson", "Williams", "Brown", "O'Connor", "Müller", "الزهراء", "العلي", "Петрова", "Соколов",
        "张伟", "王芳", "박"]
FAMILY_LANGUAGES = ["en"] * 30 + ["es"] * 35 + ["vi"] * 7 + ["so"] * 7 + ["ar"] * 6 + ["zh"] * 6 + \
    ["ht"] * 4 + ["pt"] * 2 + ["ru"] * 2 + ["ko"] * 1
NOTES = ["", "", "", "", "", "", "We may be 10 minutes late.", "Llegaremos un poco tarde.",
         "My son uses a wheelchair.", "Can we bring grandma?", "Tôi sẽ đến sau giờ làm."]
ACCESSIBILITY = ["Wheelchair space, please", "Large print", "ASL interpreter", "A seat near the door"]
DIETARY = ["Halal", "Vegetarian", "No pork", "Peanut allergy", "Gluten free", "Kosher"]
DECLINE_REASONS = ["work", "work", "work", "time", "time", "childcare", "transportation", "language",
                   "health", "other"]
DECLINE_NOTES = ["", "", "I work nights. A morning meeting would be better.", "No tengo quien cuide a los niños.",
                 "Too far without a car", ""]
CHECKIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CHECKIN_CODE_LENGTH = 6


def manage_token(seed, registration_id):
    """The manage token of a built registration: 22 URL-safe characters,
    like secrets.token_urlsafe(16), derived from the seed and the id."""
    digest = hashlib.sha256(f"bench-manage:{seed}:{registration_id}".encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def ascii_of(value):
    import unicodedata

    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in folded if ch.isalnum()) or "family"


def codes(count, rng):
    """`count` distinct check-in codes."""
    base = len(CHECKIN_ALPHABET)
    out = []
    for number in rng.sample(range(base ** CHECKIN_CODE_LENGTH), count):
        chars = []
        for _ in range(CHECKIN_CODE_LENGTH):
            number, digit = divmod(number, base)
            chars.append(CHECKIN_ALPHABET[digit])
        out.append("".join(chars))
    return out


def _mask(grades):
    mask = 0
    for grade in grades:
        mask |= GRADE_BIT[grade]
    return mask


# -- the database -------------------------------------------------------------------------------

def ensure_schema(url):
    """Create the database when missing, then `flask db upgrade` in-process."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import Config
    from portal.devtools import ensure_database

    ensure_database(url)
    # A key of its own: nothing this process signs outlives it.
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, SECRET_KEY=secrets.token_hex(32))
    with app.app_context():
        upgrade()
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()
    return app


def read_marker(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(MARKER_TABLE):
                return None
            row = connection.execute(text(f"SELECT value FROM {MARKER_TABLE} WHERE key = 'district'")).first()
            return json.loads(row[0]) if row else None
    finally:
        engine.dispose()


def wipe(url):
    """Drop everything in the database's public schema (its own database only)."""
    from portal.devtools import empty_database

    empty_database(url)


def prepare(url, spec, rebuild=False, log=print):
    """The district, built or reused. Returns (marker, seconds spent building or None)."""
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("bench/load.py builds its district on PostgreSQL only (postgresql+psycopg://...)")
    from portal.devtools import ensure_database

    ensure_database(url)
    marker = None if rebuild else read_marker(url)
    wanted = dict(asdict(spec), version=MARKER_VERSION)
    if marker is not None and all(marker.get(key) == value for key, value in wanted.items()):
        ensure_schema(url)  # new migrations, if any, apply to the kept data
        refresh_key_events(url, marker)
        return marker, None
    if marker is not None or rebuild:
        log("the database holds another district (or --rebuild): dropping it")
    wipe(url)
    started = clock.perf_counter()
    app = ensure_schema(url)
    marker = build(app, spec, log=log)
    seconds = clock.perf_counter() - started
    marker["build_seconds"] = round(seconds, 1)
    _write_marker(url, marker)
    refresh_key_events(url, marker)
    return marker, seconds


def _write_marker(url, marker):
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text)"))
            connection.execute(text(f"DELETE FROM {MARKER_TABLE} WHERE key = 'district'"))
            connection.execute(text(f"INSERT INTO {MARKER_TABLE} (key, value) VALUES ('district', :value)"),
                               {"value": json.dumps(marker)})
    finally:
        engine.dispose()


def refresh_key_events(url, marker):
    """Keep the three events the benchmark uses where it needs them, however
    long ago the district was built: the front-desk event today (door open),
    the dashboard and sign-up events a few weeks ahead, open for sign-up."""
    tz = ZoneInfo(TIMEZONE)
    now_local = local_now(tz)
    today = now_local.date()
    # Today, in the evening (or in an hour when the evening has begun).
    start_local = max(now_local.replace(hour=18, minute=0, second=0, microsecond=0), now_local + timedelta(hours=1))
    if start_local.date() != today:
        start_local = now_local + timedelta(minutes=30)
    front = local_to_utc(start_local)
    moves = [
        (marker["frontdesk_event_id"], front),
        (marker["dashboard_event_id"], to_utc(today + timedelta(days=14), time(18, 0), tz)),
        (marker["signup_event_id"], to_utc(today + timedelta(days=30), time(17, 30), tz)),
    ]
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for event_id, starts in moves:
                connection.execute(
                    text("UPDATE event SET starts_at = :starts, ends_at = :ends, registration_deadline = NULL, "
                         "status = 'published' WHERE id = :id"),
                    {"starts": starts, "ends": starts + timedelta(hours=2), "id": event_id})
    finally:
        engine.dispose()


# -- building ----------------------------------------------------------------------------------

class _Copier:
    """COPY rows into a table, filling any column the bench did not name
    with the model's default (so a column added later does not break it)."""

    def __init__(self, raw_connection, table, db_columns):
        self.raw = raw_connection
        self.table = table
        self.columns = [column for column in table.columns if column.name in db_columns]

    def _fill(self, column):
        if column.default is not None:
            if column.default.is_scalar:
                return lambda: column.default.arg
            if column.default.is_callable:
                return lambda: column.default.arg(None)
        if column.nullable:
            return lambda: None
        raise SystemExit(f"bench: no value for {self.table.name}.{column.name} (NOT NULL, no default): "
                         f"bench/district_data.py needs to learn about it")

    def copy(self, rows):
        """rows: dicts (the same keys in every row)."""
        if not rows:
            return 0
        named = [column for column in self.columns if column.name in rows[0]]
        filled = [(column.name, self._fill(column)) for column in self.columns if column.name not in rows[0]]
        names = [column.name for column in named] + [name for name, _fill in filled]
        quoted = ", ".join(f'"{name}"' for name in names)
        statement = f'COPY "{self.table.name}" ({quoted}) FROM STDIN'
        keys = [column.name for column in named]
        with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[key] for key in keys] + [make() for _name, make in filled])
        return len(rows)


def build(app, spec, log=print):
    from portal.extensions import db
    from portal.models import CheckIn, Decline, Event, EventText, Need, Registration, School, User
    from portal.services.contact import search_key

    rng = random.Random(spec.seed)
    tz = ZoneInfo(TIMEZONE)
    now = utcnow().replace(microsecond=0)
    today = local_now(tz).date()
    timings = {}

    with app.app_context():
        engine = db.engine
        db_columns = {name: {c["name"] for c in inspect(engine).get_columns(name)}
                      for name in inspect(engine).get_table_names()}
        raw = engine.raw_connection()
        connection = raw.driver_connection

        def copier(model):
            return _Copier(connection, model.__table__, db_columns[model.__table__.name])

        # Schools.
        schools = []
        for index in range(spec.schools):
            base = SCHOOL_NAMES[index % len(SCHOOL_NAMES)]
            level_name, grades = LEVELS[0] if index % 5 < 3 else LEVELS[1] if index % 5 == 3 else LEVELS[2]
            name = f"{base} {level_name}"
            slug = "-".join(ascii_of(part) for part in f"{base} {level_name.split()[0]}".split())
            schools.append(dict(id=index + 1, name=name, slug=slug, timezone=TIMEZONE,
                                default_language="es" if index % 10 == 9 else "en",
                                reminder_hours="24 2", created_at=now - timedelta(days=400), _grades=grades))
        copier(School).copy([{k: v for k, v in s.items() if not k.startswith("_")} for s in schools])
        connection.commit()  # the staff users below refer to the first school, from another connection

        # Staff of the first school.
        staff = {}
        with app.app_context():
            for role in ("organizer", "frontdesk"):
                user = User(school_id=1, email=f"{role}@{schools[0]['slug']}.example", name=f"Bench {role.title()}",
                            role=role, password_hash="!")
                user.set_password(STAFF_PASSWORD)
                db.session.add(user)
                db.session.flush()
                staff[role] = (user.id, user.email)
            db.session.commit()

        # Events: the same number per school, days spread over the past year and the next four months.
        started = clock.perf_counter()
        per_school = spec.events // spec.schools
        events, texts, text_id = [], [], 0
        for school in schools:
            count = per_school + (1 if school["id"] <= spec.events % spec.schools else 0)
            for _ in range(count):
                event_id = len(events) + 1
                days = rng.randint(-365, 120)
                day = today + timedelta(days=days)
                morning = rng.random() < 0.35
                start_clock = time(8, 0) if morning else time(rng.choice([17, 18]), rng.choice([0, 30]))
                starts = to_utc(day, start_clock, tz)
                hours = rng.choice([1, 1, 1.5, 2])
                grade_pool = school["_grades"]
                if rng.random() < 0.3:
                    grades = list(grade_pool)
                else:
                    first = rng.randrange(len(grade_pool))
                    grades = grade_pool[first:first + rng.randint(1, 2)]
                kind = rng.choice(EVENT_KINDS)
                languages = ["en", "es"] + ([rng.choice([code for code in kind if code not in ("en", "es")])]
                                            if rng.random() < 0.6 else [])
                status = "published"
                roll = rng.random()
                if days > 7 and roll < 0.06:
                    status = "draft"
                elif roll < 0.09:
                    status = "cancelled"
                interpreters = rng.choice(["", "", "es", "es", "es vi", "es so ar", "es zh", "es ht vi"])
                events.append(dict(
                    id=event_id, school_id=school["id"], status=status, starts_at=starts,
                    ends_at=starts + timedelta(hours=hours),
                    registration_deadline=to_utc(day - timedelta(days=1), time(20, 0), tz) if rng.random() < 0.5 else None,
                    location=f"{rng.choice(LOCATIONS)}, {school['name']}",
                    grades=_mask(grades), capacity=0, default_language=school["default_language"],
                    offers_childcare=rng.random() < 0.5, childcare_capacity=0,
                    interpreter_languages=interpreters, offers_transportation=rng.random() < 0.3,
                    offers_meal=rng.random() < 0.45, created_by_id=staff["organizer"][0] if school["id"] == 1 else None,
                    cancelled_at=now - timedelta(days=rng.randint(1, 30)) if status == "cancelled" else None,
                    created_at=min(now, starts - timedelta(days=rng.randint(14, 60))), updated_at=now,
                    _days=days,
                ))
                grade_label = grades[0] if len(grades) == 1 else f"{grades[0]}-{grades[-1]}"
                for language in languages:
                    title, description = kind[language]
                    text_id += 1
                    texts.append(dict(id=text_id, event_id=event_id, language=language,
                                      title=title.format(g=grade_label, s=school["name"])[:200],
                                      description=description.format(g=grade_label, s=school["name"])))

        # The three events the benchmark uses: the first school's, published, with every kind of help.
        first_school_events = [event for event in events if event["school_id"] == 1]
        key = {"frontdesk": first_school_events[0], "dashboard": first_school_events[1],
               "signup": first_school_events[2]}
        for name, event in key.items():
            days = {"frontdesk": 0, "dashboard": 14, "signup": 30}[name]
            starts = to_utc(today + timedelta(days=days), time(18, 0), tz)
            event.update(status="published", starts_at=starts, ends_at=starts + timedelta(hours=2),
                         registration_deadline=None, offers_childcare=True, interpreter_languages="es vi ar so",
                         offers_transportation=True, offers_meal=True, cancelled_at=None, _days=days)
        key["frontdesk"]["location"] = f"Gym, {schools[0]['name']} (district family resource fair)"
        for event_text in texts:
            if event_text["event_id"] == key["frontdesk"]["id"]:
                event_text["title"] = {"en": "District family resource fair", "es": "Feria de recursos para familias del distrito"}.get(
                    event_text["language"], event_text["title"])

        # How many registrations each event gets: drafts none; the key events their size; past
        # events more than upcoming ones (which are still filling).
        sizes = {event["id"]: 0 for event in events}
        sizes[key["frontdesk"]["id"]] = spec.frontdesk_event_size
        sizes[key["dashboard"]["id"]] = spec.dashboard_event_size
        sizes[key["signup"]["id"]] = spec.signup_event_size
        key_ids = {event["id"] for event in key.values()}
        others = [event for event in events if event["id"] not in key_ids and event["status"] != "draft"]
        weights = [rng.uniform(0.3, 1.7) * (1.0 if event["_days"] < 0 else 0.5) for event in others]
        remaining = spec.registrations - sum(sizes.values())
        total_weight = sum(weights)
        for event, weight in zip(others, weights):
            sizes[event["id"]] = int(remaining * weight / total_weight)
        shortfall = remaining - sum(sizes[event["id"]] for event in others)
        for event in others[:shortfall]:
            sizes[event["id"]] += 1
        timings["events"] = clock.perf_counter() - started

        # Registrations, needs, declines, check-ins.
        started = clock.perf_counter()
        codes_drawn = codes(spec.registrations, rng)
        registrations, needs, declines, checkins = [], [], [], []
        next_id, need_id = 1, 1
        for event in events:
            size = sizes[event["id"]]
            if size == 0 and event["status"] == "draft":
                continue
            past = event["_days"] < 0
            is_front = event["id"] == key["frontdesk"]["id"]
            offered_interpreters = event["interpreter_languages"].split()
            grade_pool = [grade for grade in GRADE_CODES if event["grades"] & GRADE_BIT[grade]] or ["K"]
            people = 0
            rows = []
            for _ in range(size):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                name = f"{first} {last}"
                language = rng.choice(FAMILY_LANGUAGES)
                has_phone = rng.random() < 0.85
                phone = f"+1{rng.choice(['612', '651', '763', '952'])}{rng.randrange(10_000_000):07d}" if has_phone else None
                email = (f"{ascii_of(first)}.{ascii_of(last)}{next_id}@example.org"
                         if not has_phone or rng.random() < 0.4 else None)
                adults = rng.choice([1, 1, 1, 2, 2, 3])
                children = rng.choice([0, 1, 1, 2, 2, 3, 4])
                created = event["starts_at"] - timedelta(minutes=rng.randint(60, 60 * 24 * 30))
                created = min(created, now - timedelta(minutes=rng.randint(1, 60 * 24 * 20)))
                registration = dict(
                    id=next_id, event_id=event["id"], status="confirmed", name=name, email=email, phone=phone,
                    language=language, contact_preference="sms" if phone else "email",
                    adults=adults, children=children,
                    grades=_mask(rng.sample(grade_pool, min(len(grade_pool), rng.choice([1, 1, 2])))),
                    note=rng.choice(NOTES), source=rng.choice(["online"] * 12 + ["staff", "walk_in"]),
                    token_hash=hash_token(manage_token(spec.seed, next_id)), checkin_code=codes_drawn[next_id - 1],
                    submission_key=None, waitlisted_at=None, created_at=created, updated_at=created,
                    cancelled_at=None, attendance="unknown", checked_in_at=None, arrived_adults=None,
                    arrived_children=None, search_name=search_key(name), phone_last4=phone[-4:] if phone else "",
                )
                rows.append(registration)
                # Needs: only what the event offers.
                if event["offers_childcare"] and children and rng.random() < 0.3:
                    ages = sorted(rng.randint(0, 12) for _ in range(rng.randint(1, children)))
                    needs.append(dict(id=need_id, registration_id=next_id, kind="childcare", quantity=len(ages),
                                      detail=", ".join(str(age) for age in ages)))
                    need_id += 1
                if offered_interpreters and language != "en" and rng.random() < 0.45:
                    needs.append(dict(id=need_id, registration_id=next_id, kind="interpreter", quantity=1,
                                      detail=language if language in offered_interpreters else offered_interpreters[0]))
                    need_id += 1
                if event["offers_transportation"] and rng.random() < 0.1:
                    needs.append(dict(id=need_id, registration_id=next_id, kind="transportation",
                                      quantity=rng.randint(1, adults + children), detail=""))
                    need_id += 1
                if rng.random() < 0.02:
                    needs.append(dict(id=need_id, registration_id=next_id, kind="accessibility", quantity=0,
                                      detail=rng.choice(ACCESSIBILITY)))
                    need_id += 1
                if event["offers_meal"] and rng.random() < 0.06:
                    needs.append(dict(id=need_id, registration_id=next_id, kind="dietary", quantity=0,
                                      detail=rng.choice(DIETARY)))
                    need_id += 1
                next_id += 1
            rows.sort(key=lambda row: (row["created_at"], row["id"]))
            total_people = sum(row["adults"] + row["children"] for row in rows)
            if is_front:
                capacity = int(total_people * 1.05) + 10
            else:
                capacity = max(10, int(total_people * rng.uniform(0.85, 1.4)))
            event["capacity"] = capacity
            event["childcare_capacity"] = max(5, capacity // 6) if event["offers_childcare"] else 0
            recorded = past and rng.random() < 0.7
            for row in rows:
                if event["status"] == "cancelled" or rng.random() < 0.04:
                    row["status"] = "cancelled"
                    row["cancelled_at"] = min(now, row["created_at"] + timedelta(days=rng.randint(0, 10)))
                elif people + row["adults"] + row["children"] <= capacity:
                    row["status"] = "confirmed"
                    people += row["adults"] + row["children"]
                else:
                    row["status"] = "waitlisted"
                    row["waitlisted_at"] = row["created_at"]
                if row["status"] == "confirmed" and (recorded or (is_front and rng.random() < 0.1)):
                    roll = rng.random()
                    if roll < 0.72 or is_front:
                        row["attendance"] = "attended"
                        row["checked_in_at"] = event["starts_at"] + timedelta(minutes=rng.randint(-15, 30)) \
                            if not is_front else now - timedelta(minutes=rng.randint(1, 30))
                        row["arrived_adults"] = row["adults"]
                        row["arrived_children"] = max(0, row["children"] - (1 if rng.random() < 0.1 else 0))
                        if is_front:
                            checkins.append(dict(id=len(checkins) + 1, registration_id=row["id"],
                                                 event_id=event["id"], action="check_in",
                                                 adults=row["arrived_adults"], children=row["arrived_children"],
                                                 staff_id=staff["frontdesk"][0], client_key=None,
                                                 created_at=row["checked_in_at"]))
                    elif roll < 0.92:
                        row["attendance"] = "no_show"
                row["updated_at"] = max(row["created_at"], row["cancelled_at"] or row["created_at"],
                                        row["checked_in_at"] or row["created_at"])
            registrations.extend(rows)
            if past and event["status"] == "published":
                for _ in range(rng.randint(0, 4)):
                    declines.append(dict(id=len(declines) + 1, event_id=event["id"],
                                         reason=rng.choice(DECLINE_REASONS), note=rng.choice(DECLINE_NOTES),
                                         name=rng.choice(["", "", f"{rng.choice(FIRST)} {rng.choice(LAST)}"]),
                                         language=rng.choice(FAMILY_LANGUAGES),
                                         created_at=event["starts_at"] - timedelta(days=rng.randint(0, 7))))
        registrations.sort(key=lambda row: row["id"])
        timings["rows"] = clock.perf_counter() - started

        started = clock.perf_counter()
        counts = {}
        counts["event"] = copier(Event).copy([{k: v for k, v in e.items() if not k.startswith("_")} for e in events])
        counts["event_text"] = copier(EventText).copy(texts)
        counts["registration"] = copier(Registration).copy(registrations)
        counts["need"] = copier(Need).copy(needs)
        counts["decline"] = copier(Decline).copy(declines)
        counts["check_in"] = copier(CheckIn).copy(checkins)
        with connection.cursor() as cursor:
            for table in ("school", "event", "event_text", "registration", "need", "decline", "check_in"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT max(id) FROM \"{table}\"), 1))")
        connection.commit()
        timings["copy"] = clock.perf_counter() - started
        started = clock.perf_counter()
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        connection.autocommit = False
        timings["analyze"] = clock.perf_counter() - started
        raw.close()
        db.session.remove()
        db.engine.dispose()

    log("built: " + ", ".join(f"{count:,} {table}" for table, count in counts.items())
        + " | " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    return dict(
        asdict(spec), version=MARKER_VERSION, built_at=now.isoformat(),
        staff_school_slug=schools[0]["slug"], staff_password=STAFF_PASSWORD,
        organizer_email=staff["organizer"][1], frontdesk_email=staff["frontdesk"][1],
        frontdesk_event_id=key["frontdesk"]["id"], dashboard_event_id=key["dashboard"]["id"],
        signup_event_id=key["signup"]["id"], rows=counts,
        built_registrations=len(registrations),
    )
