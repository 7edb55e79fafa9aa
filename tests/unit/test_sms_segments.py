"""How a text message is split into parts, as a phone network counts them:
GSM-7 (160 alone, 153 per part, extension characters cost two septets and
are never split) or UCS-2 (70 alone, 67 per part, in UTF-16 units, a
surrogate pair never split)."""
import pytest

from portal.models import OutboxMessage
from portal.notifications.render import SMS, render
from portal.notifications.sms import GSM7_EXTENDED, is_gsm7, segments
from portal.services import registration as registration_service

EXTENSION = sorted(GSM7_EXTENDED - {"\f"})


def gsm_units(part):
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in part)


def utf16_units(part):
    return len(part.encode("utf-16-le")) // 2


def assert_whole(text, parts):
    assert "".join(parts) == text
    assert all(parts), "no empty part"


def test_empty_text_has_no_parts():
    assert segments("") == []


@pytest.mark.parametrize("length, parts", [(1, 1), (159, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3),
                                           (460, 4)])
def test_gsm7_text_is_one_part_up_to_160_then_parts_of_153(length, parts):
    text = ("Lincoln Elementary: Math night is Tuesday at 6. " * 20)[:length]
    assert is_gsm7(text)
    result = segments(text)
    assert len(result) == parts
    assert_whole(text, result)
    if parts > 1:
        assert all(len(part) <= 153 for part in result)
        assert all(len(part) == 153 for part in result[:-1])


def test_gsm7_basic_accented_letters_stay_gsm7():
    # é, ñ, ü, à and friends are in the GSM basic alphabet: still 160 per message
    text = ("Señor Müller, à la café: ¿qué tal? ¡Bien! " * 4)[:160]
    assert is_gsm7(text)
    assert segments(text) == [text]


@pytest.mark.parametrize("char", EXTENSION)
def test_extension_characters_count_twice(char):
    # 158 + one extension char = 160 septets: one part; one more plain char makes two
    assert segments("a" * 158 + char) == ["a" * 158 + char]
    text = "a" * 159 + char
    result = segments(text)
    assert len(result) == 2
    assert_whole(text, result)
    assert all(gsm_units(part) <= 153 for part in result)


@pytest.mark.parametrize("char", ["€", "[", "]", "{", "}", "\\", "~", "^", "|"])
def test_an_extension_character_is_never_split_across_parts(char):
    # 152 plain characters leave one septet in the first part: the two-septet
    # character moves whole to the next part
    text = "x" * 152 + char + "y" * 20
    result = segments(text)
    assert result[0] == "x" * 152
    assert result[1].startswith(char)
    assert_whole(text, result)
    assert all(gsm_units(part) <= 153 for part in result)


def test_a_long_text_of_extension_characters_fills_parts_of_76():
    text = "€" * 200  # 400 septets
    result = segments(text)
    assert [len(part) for part in result] == [76, 76, 48]
    assert_whole(text, result)


@pytest.mark.parametrize("language, sample", [
    ("vi", "Trường Tiểu học Lincoln: gia đình bạn đã đăng ký Đêm trò chơi toán học. "),
    ("ar", "مدرسة لينكولن الابتدائية: تم تسجيل عائلتك في أمسية ألعاب الرياضيات. "),
    ("zh", "林肯小学：您的家庭已报名参加数学游戏之夜。请带上您的孩子。"),
    ("ko", "링컨 초등학교: 가족이 수학 게임의 밤에 등록되었습니다. "),
    ("uk", "Початкова школа Лінкольна: ви записані на вечір математичних ігор. "),
    ("fa-AF", "مکتب ابتدائیه لینکن: ثبت نام شما در شب بازی‌های ریاضی انجام شد. "),
])
def test_non_latin_text_switches_to_ucs2(language, sample):
    assert not is_gsm7(sample)
    text70 = (sample * 10)[:70]
    assert segments(text70) == [text70]
    text71 = (sample * 10)[:71]
    result = segments(text71)
    assert [len(part) for part in result] == [67, 4]
    assert_whole(text71, result)
    long_text = (sample * 20)[:500]
    result = segments(long_text)
    assert len(result) == 8  # ceil(500 / 67)
    assert all(utf16_units(part) <= 67 for part in result)
    assert_whole(long_text, result)


def test_one_non_gsm_character_makes_the_whole_message_ucs2():
    # 100 plain letters fit one GSM part, but an "á" (not in GSM-7) forces UCS-2
    text = "a" * 99 + "á"
    assert not is_gsm7(text)
    result = segments(text)
    assert [len(part) for part in result] == [67, 33]
    assert_whole(text, result)


def test_an_emoji_counts_two_units():
    emoji = "\U0001F389"  # a surrogate pair in UTF-16
    assert utf16_units(emoji) == 2
    assert segments("a" * 68 + emoji) == ["a" * 68 + emoji]  # 70 units
    text = "a" * 69 + emoji  # 71 units
    result = segments(text)
    assert len(result) == 2
    assert_whole(text, result)


def test_an_emoji_is_never_split_across_parts():
    emoji = "\U0001F600"
    text = "b" * 66 + emoji + "c" * 10  # the emoji would straddle units 67 and 68
    result = segments(text)
    assert result[0] == "b" * 66
    assert result[1] == emoji + "c" * 10
    assert all(utf16_units(part) <= 67 for part in result)
    assert_whole(text, result)


def test_a_text_of_emoji_fills_parts_of_33():
    text = "\U0001F44D" * 100  # 200 units
    result = segments(text)
    assert [len(part) for part in result] == [33, 33, 33, 1]
    assert all(utf16_units(part) <= 67 for part in result)
    assert_whole(text, result)


def test_mixed_scripts_and_emoji_join_back_to_the_original():
    text = "Lincoln 🎉 Đêm trò chơi toán học — مرحبا 你好 안녕하세요 €[]" * 7
    result = segments(text)
    assert_whole(text, result)
    assert all(utf16_units(part) <= 67 for part in result)


# -- every text message the portal sends, in every shipped language -----------

# Parts a text may take. A GSM-7 text fits one part when the event's title
# and place are of usual length, two at most; a UCS-2 text (any other
# script) three, and four for the first text, which also carries the
# family's link and how to stop messages.
GSM7_PARTS, GSM7_PARTS_USUAL, UCS2_PARTS, UCS2_PARTS_FIRST_TEXT = 2, 1, 3, 4
FIRST_TEXTS = {"confirmation", "waitlisted"}
KINDS_WITH_LINK = FIRST_TEXTS | {"link"}
USUAL_LENGTH = 40  # characters of a title or a place


@pytest.fixture
def demo_texts(app, db, school):
    return _demo_texts(app, db, school)


def _demo_texts(app, db, school):
    """Every SMS kind for every demo event that has families, in every language."""
    from sqlalchemy import select

    from portal.config import LANGUAGES
    from portal.demo import seed_demo
    from portal.models import OutboxMessage, Registration
    from portal.notifications.render import SMS, render

    seed_demo(school)
    db.session.flush()
    registrations = db.session.execute(select(Registration).order_by(Registration.id)).scalars().all()
    one_per_event = {registration.event_id: registration for registration in registrations}
    texts = []
    with app.test_request_context():
        for registration in one_per_event.values():
            for language in LANGUAGES:
                for kind in SMS:
                    message = OutboxMessage(kind=kind, channel="sms", recipient=registration.phone or "+16125550100",
                                            language=language, payload={"token": "T" * 22})
                    message.registration = registration
                    title, _fallback = registration.event.text_for(language)
                    place, _place_language = registration.event.place_for(language)
                    usual = len(title.title) <= USUAL_LENGTH and len(place) <= USUAL_LENGTH
                    texts.append((language, kind, render(message).sms, usual))
    return texts


def test_every_text_message_in_every_language_stays_within_its_parts(demo_texts):
    too_long = []
    for language, kind, text, usual in demo_texts:
        if is_gsm7(text):
            allowed = GSM7_PARTS_USUAL if usual and kind not in KINDS_WITH_LINK else GSM7_PARTS
        else:
            allowed = UCS2_PARTS_FIRST_TEXT if kind in FIRST_TEXTS else UCS2_PARTS
        if len(segments(text)) > allowed:
            too_long.append((language, kind, len(segments(text)), allowed, text))
    assert too_long == []
    assert {language for language, *_rest in demo_texts} >= {"en", "es", "ar", "so", "ht", "ko"}


def test_english_somali_and_creole_texts_stay_in_the_gsm7_alphabet(demo_texts):
    """One accent outside GSM-7 would turn a 160-character message into 70-character parts."""
    assert [(language, kind, text) for language, kind, text, _usual in demo_texts
            if language in ("en", "so", "ht") and not is_gsm7(text)] == []


@pytest.mark.parametrize("language, sample", [
    ("fr", "Lincoln Elementary : votre famille est inscrite à la soirée de jeux. Code d'entrée K7M2QX. "),
    ("fil", "Lincoln Elementary: rehistrado kayo sa gabi ng math games. Code: K7M2QX. "),
    ("sw", "Lincoln Elementary: umesajiliwa kwa usiku wa michezo ya hesabu. Msimbo K7M2QX. "),
])
def test_french_tagalog_and_swahili_texts_stay_gsm7(language, sample):
    text = (sample * 3)[:160]
    assert is_gsm7(text)
    assert segments(text) == [text]


# Every text message in the newer languages, for the demo's math night
# (title in English, as the demo writes it only in en/es/ar/so): one or two
# parts in the GSM alphabet, at most three in UCS-2.
SEGMENT_BUDGET = {"fr": 2, "fil": 2, "sw": 2, "uk": 3, "fa-AF": 3}
GSM7_LANGUAGES = {"fr", "fil", "sw"}


@pytest.mark.parametrize("language", SEGMENT_BUDGET)
def test_each_text_message_fits_its_segment_budget(app, db, make_event, family, now, language):
    event = make_event(texts={"en": ("3rd grade math games night", "")},
                       location="Gym, Lincoln Elementary, 1200 Maple Ave")
    result = registration_service.register(event.id, family(language=language, phone="+16125550142"), now)
    db.session.commit()
    registration = result.registration
    assert registration.language == language
    for kind in SMS:
        text, english = (sms_in(app, registration, result.token, kind, code) for code in (language, "en"))
        assert text != english, (kind, text)
        assert len(segments(text)) <= SEGMENT_BUDGET[language], (kind, text)
        if language in GSM7_LANGUAGES:
            assert is_gsm7(text), (kind, text)


def sms_in(app, registration, token, kind, language):
    message = OutboxMessage(registration_id=registration.id, event_id=registration.event_id, kind=kind,
                            channel="sms", recipient=registration.phone, language=language,
                            payload={"token": token})
    message.registration = registration
    with app.test_request_context():
        return render(message).sms


def test_a_long_title_is_shortened_in_a_text_at_a_word_with_three_dots():
    from portal.notifications.render import SMS_TITLE_LENGTH, shortened

    title = "Family literacy workshop: reading at home in any language"
    short = shortened(title, SMS_TITLE_LENGTH)
    assert short == "Family literacy workshop: reading at..."
    assert len(short) <= SMS_TITLE_LENGTH and is_gsm7(short)  # "..." and not an ellipsis, which is not GSM-7
    assert shortened("Math games night", SMS_TITLE_LENGTH) == "Math games night"


def test_texts_name_a_long_event_in_a_few_words(demo_texts):
    from portal.notifications.render import SMS_TITLE_LENGTH

    texts = [text for language, _kind, text, _usual in demo_texts if language == "en"]
    assert any("..." in text for text in texts)
    assert not any("reading at home in any language" in text for text in texts)
    assert SMS_TITLE_LENGTH == 40
