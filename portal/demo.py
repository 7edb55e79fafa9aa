"""Demo data drawn from the scenarios schools run in a year."""
from datetime import time, timedelta

from .clock import local_now, utcnow
from .models import DeclineReason, EventStatus
from .sample_roster import sample_roster_csv
from .services import checkin, event_admin, roster
from .services.declines import record_decline
from .services.event_admin import EventDetails
from .services.registration import FamilyDetails, register
from .services.roster_formats import guess_mapping, read_roster_file, rows_from_csv

ALL = ["PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]

# (days from today, start, end, capacity, grades, supports, texts)
EVENTS = [
    dict(key="k_breakfast", days=3, start=time(7, 30), end=time(8, 15), capacity=40, grades=["K"],
         location="Cafeteria, Lincoln Elementary, 1200 Maple Ave",
         childcare=12, interpreters="es vi", meal=True,
         texts={
             "en": ("Kindergarten family breakfast",
                    "Come have breakfast with your child's teacher and meet other families. We will share how your child learns to read in kindergarten."),
             "es": ("Desayuno familiar de kínder",
                    "Venga a desayunar con la maestra de su hijo y conozca a otras familias. Le contaremos cómo su hijo aprende a leer en kínder."),
             "vi": ("Bữa sáng gia đình lớp mẫu giáo",
                    "Mời quý phụ huynh đến ăn sáng cùng giáo viên của con và gặp gỡ các gia đình khác."),
         }),
    dict(key="math_night", days=6, start=time(18, 0), end=time(19, 30), capacity=60, grades=["3"],
         location="Gym, Lincoln Elementary, 1200 Maple Ave",
         places={"es": "Gimnasio, Lincoln Elementary, 1200 Maple Ave",
                 "ar": "الصالة الرياضية، Lincoln Elementary، 1200 Maple Ave",
                 "so": "Jimicsiga, Lincoln Elementary, 1200 Maple Ave"},
         childcare=20, interpreters="es ar so", transport=True, meal=True,
         texts={
             "en": ("3rd grade math games night",
                    "Play the games your child plays in class and see how we learn multiplication. Dinner for the whole family."),
             "es": ("Noche de juegos de matemáticas de 3.er grado",
                    "Juegue los juegos que su hijo juega en clase y vea cómo aprendemos a multiplicar. Cena para toda la familia."),
             "ar": ("أمسية ألعاب الرياضيات للصف الثالث",
                    "العبوا الألعاب التي يلعبها طفلكم في الصف وتعرّفوا على كيف نتعلم الضرب. عشاء لكل العائلة."),
             "so": ("Habeenka ciyaaraha xisaabta fasalka 3aad",
                    "Ciyaar ciyaaraha ilmahaagu fasalka ku ciyaaro oo arag sida aan u barano isku dhufashada."),
         }),
    dict(key="orientation", days=10, start=time(10, 0), end=time(11, 30), capacity=30, grades=ALL,
         location="Library, Lincoln Elementary, 1200 Maple Ave",
         childcare=15, interpreters="es vi ar so fa-AF uk", transport=True,
         texts={
             "en": ("New family orientation: session 1",
                    "Welcome to Lincoln! Meet the staff, learn how the school day works, and ask anything. First of four Saturday sessions."),
             "es": ("Orientación para familias nuevas: sesión 1",
                    "¡Bienvenidos a Lincoln! Conozca al personal, aprenda cómo funciona el día escolar y pregunte lo que quiera."),
             "zh": ("新家庭入学介绍：第一节",
                    "欢迎来到林肯小学！认识老师和职员，了解学校的一天，欢迎提出任何问题。"),
             "fa-AF": ("آشنایی خانواده‌های جدید با مکتب: جلسهٔ ۱",
                       "به مکتب لینکن خوش آمدید! با کارمندان آشنا شوید، ببینید روز مکتب چطور می‌گذرد و هر سوالی "
                       "دارید بپرسید. اولین جلسه از چهار جلسهٔ روزهای شنبه."),
             "uk": ("Знайомство для нових родин: зустріч 1",
                    "Ласкаво просимо до школи Лінкольна! Познайомтеся з працівниками, дізнайтеся, як минає шкільний "
                    "день, і ставте будь-які запитання. Перша з чотирьох суботніх зустрічей."),
         }),
    dict(key="literacy", days=4, start=time(17, 30), end=time(18, 30), capacity=12, grades=["PK", "K", "1", "2"],
         location="Room 14, Lincoln Elementary, 1200 Maple Ave",
         childcare=10, interpreters="es vi", meal=True,
         texts={
             "en": ("Family literacy workshop: reading at home in any language",
                    "Reading with your child in your home language helps them learn. Bring your questions; leave with books. Snacks served."),
             "es": ("Taller de lectura en familia: leer en casa en cualquier idioma",
                    "Leer con su hijo en su idioma ayuda a que aprenda. Traiga sus preguntas y llévese libros."),
             "vi": ("Hội thảo đọc sách cùng gia đình: đọc ở nhà bằng bất kỳ ngôn ngữ nào",
                    "Đọc sách cùng con bằng tiếng mẹ đẻ giúp con học tốt hơn."),
         }),
    dict(key="transition", days=14, start=time(18, 30), end=time(20, 0), capacity=120, grades=["5"],
         location="Auditorium, Lincoln Elementary, 1200 Maple Ave",
         interpreters="es ar vi", transport=True,
         texts={
             "en": ("Middle school transition night",
                    "Your 5th grader moves to middle school next year. Meet the counselors and learn what changes."),
             "es": ("Noche de transición a la secundaria",
                    "Su hijo de 5.º grado pasa a la secundaria el próximo año. Conozca a los consejeros."),
         }),
    dict(key="fafsa", days=9, start=time(18, 0), end=time(19, 30), capacity=80, grades=["11", "12"],
         location="Lincoln High School Library, 300 Oak St",
         interpreters="es zh ko",
         texts={
             "en": ("FAFSA and college night",
                    "Fill in the FAFSA together with a counselor and learn how to pay for college. Bring a phone."),
             "es": ("Noche de FAFSA y universidad",
                    "Llene la FAFSA con un consejero y aprenda cómo pagar la universidad."),
             "ko": ("FAFSA 및 대학 진학 설명회",
                    "상담 선생님과 함께 FAFSA를 작성하고 대학 학비 마련 방법을 알아보세요."),
             "zh": ("FAFSA 与大学申请之夜", "与辅导员一起填写 FAFSA，了解如何支付大学费用。"),
         }),
    dict(key="pta", days=12, start=time(18, 0), end=time(19, 0), capacity=50, grades=ALL,
         location="Cafeteria, Lincoln Elementary, 1200 Maple Ave",
         childcare=15, interpreters="es vi ar", meal=True,
         texts={
             "en": ("PTA meeting with the principal",
                    "Hear what is new at school and tell the principal what matters to your family. Dinner and childcare provided."),
             "es": ("Reunión de la PTA con la directora",
                    "Escuche las novedades de la escuela y dígale a la directora lo que es importante para su familia."),
             "ar": ("اجتماع جمعية الآباء والمعلمين مع المديرة",
                    "تعرّفوا على الجديد في المدرسة وأخبروا المديرة بما يهم عائلتكم."),
         }),
    dict(key="tech_night", days=16, start=time(17, 30), end=time(18, 30), capacity=40, grades=["6"],
         location="Computer lab, Lincoln Middle School, 450 Elm St",
         interpreters="es so",
         texts={
             "en": ("Technology night before students get laptops",
                    "Learn how your child's new laptop works, how to see grades online, and how to keep your child safe. Bring your phone."),
             "es": ("Noche de tecnología antes de recibir las computadoras",
                    "Aprenda cómo funciona la computadora de su hijo y cómo ver las calificaciones en línea."),
         }),
    dict(key="conferences", days=20, start=time(13, 0), end=time(17, 0), capacity=45, grades=["4", "5"],
         location="Classrooms 20-26, Lincoln Elementary",
         interpreters="es vi ar so",
         texts={
             "en": ("Student-led conferences, grades 4 and 5",
                    "Your child shows you their work and their goals. Stay for as long as you like."),
             "vi": ("Họp phụ huynh do học sinh dẫn dắt, lớp 4 và 5",
                    "Con sẽ trình bày bài làm và mục tiêu học tập của mình."),
             "es": ("Reuniones de padres dirigidas por los estudiantes, 4.º y 5.º grado",
                    "Su hijo le muestra su trabajo y sus metas."),
         }),
    dict(key="science_fair", days=24, start=time(17, 0), end=time(19, 0), capacity=150, grades=["1", "2", "3", "4", "5"],
         location="Gym, Lincoln Elementary, 1200 Maple Ave",
         childcare=20, interpreters="es", meal=True, transport=True,
         texts={
             "en": ("Family science night", "Hands-on experiments for the whole family. Pizza dinner."),
             "es": ("Noche de ciencias en familia", "Experimentos para toda la familia. Cena de pizza."),
             "ru": ("Семейный вечер науки", "Опыты для всей семьи. Ужин с пиццей."),
         }),
    dict(key="prek_playgroup", days=2, start=time(9, 0), end=time(10, 0), capacity=20, grades=["PK"],
         location="Room 3, Lincoln Elementary",
         childcare=0, interpreters="es ht",
         texts={
             "en": ("Pre-K play and learn morning", "Play, sing and read with your little one and meet the Pre-K teachers."),
             "ht": ("Maten jwe ak aprann pou Pre-K", "Jwe, chante epi li ak pitit ou, epi rankontre pwofesè Pre-K yo."),
             "es": ("Mañana de juego y aprendizaje de Pre-K", "Juegue, cante y lea con su pequeño."),
         }),
    dict(key="sept_pta", days=-45, start=time(18, 0), end=time(19, 0), capacity=50, grades=ALL,
         location="Cafeteria, Lincoln Elementary, 1200 Maple Ave",
         childcare=15, interpreters="es vi", meal=True,
         texts={
             "en": ("September PTA meeting", "Meet the new principal and plan the year together."),
             "es": ("Reunión de la PTA de septiembre", "Conozca a la nueva directora y planeemos juntos el año."),
         }),
    dict(key="back_to_school", days=-20, start=time(17, 30), end=time(19, 0), capacity=40, grades=["K", "1", "2"],
         location="Playground, Lincoln Elementary, 1200 Maple Ave",
         childcare=10, interpreters="es ar", meal=True, transport=True,
         texts={
             "en": ("Back-to-school picnic, grades K-2", "Meet your child's teacher over a picnic dinner."),
             "es": ("Picnic de regreso a clases, kínder a 2.º", "Conozca a la maestra de su hijo en una cena de picnic."),
             "ar": ("نزهة العودة إلى المدرسة، من الروضة إلى الصف الثاني", "تعرّفوا على معلم طفلكم في عشاء نزهة."),
         }),
    dict(key="draft_dinner", days=30, start=time(18, 0), end=time(19, 30), capacity=60, grades=["7", "8"],
         location="Cafeteria, Lincoln Middle School", status=EventStatus.DRAFT, meal=True,
         texts={"en": ("7th and 8th grade family dinner (planning)", "Still being planned.")}),
]

FAMILIES = {
    "math_night": [
        FamilyDetails(name="Hodan Abdi", language="so", adults=1, children=4, phone="+16125550147",
                      grades=["3", "K"], childcare_children=3, childcare_ages=[1, 4, 7],
                      interpreter_language="so", dietary="Halal"),
        FamilyDetails(name="Omar Haddad", language="ar", adults=1, children=1, phone="+16125550188",
                      grades=["3"], interpreter_language="ar"),
        FamilyDetails(name="María González", language="es", adults=1, children=2, phone="+16125550123",
                      grades=["3"], childcare_children=1, childcare_ages=[3], transportation_seats=3,
                      interpreter_language="es"),
    ],
    "k_breakfast": [
        FamilyDetails(name="Nguyễn Thị Lan", language="vi", adults=1, children=2, phone="+16125550199",
                      grades=["K", "2"], interpreter_language="vi"),
        FamilyDetails(name="Sam Carter", language="en", adults=2, children=1, email="sam.carter@example.org",
                      grades=["K"], accessibility="Wheelchair space, please"),
    ],
    "orientation": [
        FamilyDetails(name="Zarghona Ahmadi", language="fa-AF", adults=2, children=3, phone="+16125550163",
                      grades=["2", "4"], childcare_children=1, childcare_ages=[2], transportation_seats=5,
                      interpreter_language="fa-AF"),
        FamilyDetails(name="Олена Коваленко", language="uk", adults=1, children=1,
                      email="olena.kovalenko@example.org", grades=["5"], interpreter_language="uk"),
    ],
    "fafsa": [
        FamilyDetails(name="김민준", language="ko", adults=2, children=1, email="minjun.kim@example.org",
                      grades=["11"], interpreter_language="ko"),
    ],
}

# An event today, so the front desk has families to check in.
TODAY_FAMILIES = [
    ("Fatima Ali", "ar", 1, 2, ["3"], dict(childcare_children=1, childcare_ages=[2], interpreter_language="ar")),
    ("José Núñez", "es", 2, 1, ["3"], dict(interpreter_language="es")),
    ("Nguyễn Văn An", "vi", 1, 1, ["3"], dict(interpreter_language="vi")),
    ("Sarah Miller", "en", 2, 2, ["3", "1"], dict(accessibility="Wheelchair space")),
    ("Abdi Warsame", "so", 1, 3, ["3"], dict(childcare_children=2, childcare_ages=[1, 4], interpreter_language="so")),
    ("Linh Tran", "vi", 2, 1, ["3"], {}),
    ("Marcus Johnson", "en", 1, 1, ["3"], {}),
    ("Guadalupe Reyes", "es", 1, 2, ["3", "K"], dict(childcare_children=1, childcare_ages=[3])),
]

# Past events, with what happened at the door: (name, language, adults,
# children, grades, came) and the reasons other families gave for not coming.
PAST_FAMILIES = {
    "sept_pta": [
        ("Rosa Martínez", "es", 2, 1, ["1"], True), ("Trần Văn Minh", "vi", 1, 2, ["K", "3"], True),
        ("Emily Johnson", "en", 2, 0, ["5"], True), ("Carlos Ruiz", "es", 1, 1, ["2"], False),
        ("Amina Yusuf", "so", 1, 3, ["4"], True),
    ],
    "back_to_school": [
        ("Layla Hassan", "ar", 2, 2, ["K"], True), ("Lucía Pérez", "es", 1, 2, ["1"], True),
        ("Mark Davis", "en", 1, 1, ["2"], False), ("Nguyễn Hoa", "vi", 1, 1, ["K"], True),
    ],
}
PAST_DECLINES = {
    "sept_pta": [(DeclineReason.WORK, "ht", "Mwen travay lannwit. Yon reyinyon nan maten t ap bon."),
                 (DeclineReason.CHILDCARE, "es", ""), (DeclineReason.WORK, "es", ""),
                 (DeclineReason.TRANSPORTATION, "so", "")],
    "back_to_school": [(DeclineReason.TIME, "en", "Too early for us"), (DeclineReason.LANGUAGE, "ar", "")],
}

# Twelve places: three families fill it, then a party of five waits and a
# party of two arrives after it.
LITERACY_FAMILIES = [
    ("Ana Silva", "pt", 2, 2), ("Li Wei", "zh", 1, 3), ("Dmitri Ivanov", "ru", 2, 2),
    ("Rosa Martínez", "es", 2, 3), ("Jean Baptiste", "ht", 1, 1),
]


def _details(spec, day):
    return EventDetails(
        texts=spec["texts"], day=day, starts=spec["start"], ends=spec["end"], location=spec["location"],
        capacity=spec["capacity"], grades=spec["grades"],
        deadline_day=day - timedelta(days=1), deadline_time=time(20, 0),
        offers_childcare=bool(spec.get("childcare")), childcare_capacity=spec.get("childcare", 0),
        interpreter_languages=spec.get("interpreters", "").split(),
        offers_transportation=spec.get("transport", False), offers_meal=spec.get("meal", False),
        places=spec.get("places", {}),
    )


def _create(school, details, status, now):
    """An event as an organizer makes it: a draft, published a week before it
    starts (or now, if that is sooner) unless it stays a draft."""
    event = event_admin.create_event(school, None, details)
    if status == EventStatus.PUBLISHED:
        event_admin.publish(event, min(now, event.starts_at - timedelta(days=7)))
    return event


def seed_demo(school):
    if not school.sms_name and school.name == "Lincoln Elementary School":
        school.sms_name = "Lincoln Elem."
    now = utcnow()
    today = local_now(school.tz).date()
    events = {}
    for spec in EVENTS:
        details = _details(spec, today + timedelta(days=spec["days"]))
        events[spec["key"]] = _create(school, details, spec.get("status", EventStatus.PUBLISHED), now)

    count = 0
    for key, families in FAMILIES.items():
        for details in families:
            register(events[key].id, details, now)
            count += 1
    for index, (name, language, adults, children) in enumerate(LITERACY_FAMILIES):
        details = FamilyDetails(name=name, language=language, adults=adults, children=children,
                                phone=f"+161255502{index:02d}", grades=["1"])
        register(events["literacy"].id, details, now)
        count += 1
    count += _past_events(events)
    count += _today(school, events, now)
    students = _roster(school, now)
    return {"events": len(events), "registrations": count, "students": students}


def _roster(school, now):
    """The school's roster, as its student information system would export
    it, imported as an organizer would: the families to invite."""
    roster_file = read_roster_file(sample_roster_csv(students=240, bad_rows=False).encode(), school.country)
    rows = rows_from_csv(roster_file.records, guess_mapping(roster_file.header), school.country)
    return roster.import_roster(school, rows, now, filename="demo-roster.csv").added


def _past_events(events):
    """Registrations and declines made a week before each past event, then
    the door: who came was checked in as it began, the others marked as
    no-shows at its end."""
    count = 0
    for key, families in PAST_FAMILIES.items():
        event = events[key]
        week_before = event.starts_at - timedelta(days=7)
        came = []
        for index, (name, language, adults, children, grades, attended) in enumerate(families):
            details = FamilyDetails(name=name, language=language, adults=adults, children=children,
                                    phone=f"+16125559{event.id % 10}{index:02d}", grades=grades)
            registration = register(event.id, details, week_before).registration
            if attended:
                came.append(registration)
            count += 1
        for reason, language, note in PAST_DECLINES.get(key, []):
            record_decline(event, reason, language, week_before, note=note)
        for registration in came:
            checkin.check_in(event, registration.id, None, event.starts_at)
        checkin.mark_no_shows(event, None, event.ends_at)
    return count


def _today(school, events, now):
    """A 3rd grade reading night that started this hour, with families to check in."""
    now_here = local_now(school.tz)
    start = now_here.time().replace(minute=0, second=0, microsecond=0)
    # Three hours, within the day: an event is one day's.
    end = time(start.hour + 3) if start.hour < 21 else time(23, 59)
    details = EventDetails(
        texts={
            "en": ("3rd grade family reading night", "Read together, pick free books, and meet the librarian."),
            "es": ("Noche de lectura en familia de 3.er grado",
                   "Lean juntos, elijan libros gratis y conozcan a la bibliotecaria."),
            "ar": ("أمسية القراءة العائلية للصف الثالث",
                   "اقرؤوا معًا واختاروا كتبًا مجانية وتعرّفوا على أمينة المكتبة."),
        },
        day=now_here.date(), starts=start, ends=end, location="Library, Lincoln Elementary, 1200 Maple Ave",
        capacity=40, grades=["3"], offers_childcare=True, childcare_capacity=8,
        interpreter_languages=["es", "ar", "vi", "so"], offers_meal=True,
    )
    event = _create(school, details, EventStatus.PUBLISHED, now)
    events["reading_tonight"] = event
    registered_at = event.starts_at - timedelta(days=3)
    for index, (name, language, adults, children, grades, needs) in enumerate(TODAY_FAMILIES):
        details = FamilyDetails(name=name, language=language, adults=adults, children=children,
                                phone=f"+16125558{index:03d}", grades=grades, **needs)
        register(event.id, details, registered_at)
    return len(TODAY_FAMILIES)
