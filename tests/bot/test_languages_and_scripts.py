"""News in Chinese, Japanese and Korean, written without spaces between words, in scripts
whose vowels are marks on their consonants (Hindi) or without capitals (Arabic), is found,
quoted a sentence at a time, and told apart in the digest, as news in Norwegian is; and a
question typed in decomposed Unicode finds what the same letters composed say."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer.question import analyse
from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.digest import build_digest
from bot.ingest import ArticleDraft, Ingestor
from storage import Database, get_articles, search_articles
from tests.support.ranking import summariser_over

# Facts from the seed (who backs whom in Libya, January 2020), told here in Chinese.
LIBYA_ZH = (
    "date 2020-01\n"
    "俄罗斯支持利比亚的哈夫塔尔将军。土耳其支持总理萨拉杰。"
    "双方在莫斯科举行了停火谈判，但哈夫塔尔没有签署协议就离开了莫斯科。\n"
)
SNOW_JA = (
    "date 2024-01\n東京で大雪が降り、多くの電車が止まった。気象庁は明日も雪が続くと予報している。\n"
)
FERRY_KO = (
    "date 2024-02\n"
    "부산에서 출발하는 여객선 운항이 태풍 때문에 중단되었다. 승객들은 항구에서 기다렸다.\n"
)

RAIN_HI = (
    "date 2024-07\n"
    "दिल्ली में भारी बारिश से कई सड़कें बंद हो गईं। "
    "मौसम विभाग ने कल के लिए चेतावनी जारी की है। स्कूल दो दिन बंद रहेंगे।\n"
)
HOSPITAL_HI = (
    "date 2024-08\n"
    "जयपुर नगर निगम ने सोमवार को एक नया अस्पताल खोला। "
    "महापौर सुनीता शर्मा ने कहा कि अस्पताल में तीन सौ बिस्तर हैं। "
    "इस परियोजना पर पचास करोड़ रुपये खर्च हुए।\n"
)
PORT_AR = (
    "date 2024-03\n"
    "أغلقت السلطات ميناء الإسكندرية بسبب العاصفة. "
    "وقالت الشركة إن السفن ستبحر غدا. وانتظر الركاب في المحطة.\n"
)
METRO_TR = (
    "date 2024-05\n"
    "İstanbul Büyükşehir Belediyesi, Kadıköy ile Üsküdar arasında yeni bir metro hattı açtı. "
    "Hat günde 300 bin yolcu taşıyacak. Genel müdür Işıl Yıldız açılışta konuştu.\n"
)
# Written with the doubling mark (shadda) and stretched letters (tatweel) news uses.
PARK_AR = (
    "date 2024-05\n"
    "افتتحت أمانة عمّان حديقة جديدة في منطقة إربد. "
    "وقال المدير سمير حدّاد إن الحديقة تضم ألف شجرة. وزيــر الصحــة حضر الافتتاح.\n"
)
# With its vowel points, as a pointed text prints it.
MAYOR_HE = "date 2024-05\nדָּוִד כֹּהֵן נִבְחַר לְרֹאשׁ הָעִיר חֵיפָה. הוּא הִבְטִיחַ בֵּית חוֹלִים חָדָשׁ.\n"
# Armenian ends a sentence with "։" (not a colon).
BRIDGE_HY = "date 2024-06\nԵրևանում նոր կամուրջ բացվեց։ Այն արժե երկու միլիարդ դրամ։\n"
BOATS_NO = (
    "date 2024-02\n"
    "Båtene i Ålesund ble liggende til kai i hele går på grunn av stormen. "
    "Havnefogden venter at rutene går som normalt fra fredag.\n"
)


@pytest.fixture
def summariser(db: Database, settings: Settings, tmp_path: Path) -> Summariser:
    files = []
    for name, text in (
        ("libya.txt", LIBYA_ZH),
        ("snow.txt", SNOW_JA),
        ("ferry.txt", FERRY_KO),
        ("rain.txt", RAIN_HI),
        ("hospital.txt", HOSPITAL_HI),
        ("port.txt", PORT_AR),
        ("boats.txt", BOATS_NO),
        ("metro.txt", METRO_TR),
        ("park.txt", PARK_AR),
        ("mayor.txt", MAYOR_HE),
        ("bridge.txt", BRIDGE_HY),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    assert Ingestor(db, settings).ingest(files).failed == 0
    return Summariser(db, settings)


def test_a_chinese_question_is_answered_by_the_sentence_that_says_it(
    summariser: Summariser,
) -> None:
    answer = summariser.answer("土耳其支持谁？")
    assert answer.found
    # One sentence, ended by its wide full stop, not the whole paragraph.
    assert answer.text.startswith("土耳其支持总理萨拉杰。 [1]")
    assert "莫斯科" not in answer.text
    assert answer.citations[0].url.endswith("libya.txt")
    assert answer.citations[0].published == "2020-01"


def test_a_name_is_found_inside_a_chinese_clause(summariser: Summariser) -> None:
    answer = summariser.answer("谁支持哈夫塔尔？")
    assert answer.found
    assert "俄罗斯支持利比亚的哈夫塔尔将军。" in answer.text


def test_a_japanese_word_of_one_character_is_found(summariser: Summariser) -> None:
    # 雪 (snow) alone, between a particle and the end; the article says 大雪 and 雪が.
    answer = summariser.answer("東京の雪")
    assert answer.found
    assert answer.citations[0].url.endswith("snow.txt")


def test_a_one_character_word_asked_alone_is_asked(summariser: Summariser) -> None:
    # 雪 (snow) alone is a question, not a letter to leave out.
    answer = summariser.answer("雪")
    assert answer.found, answer.text
    assert answer.citations[0].url.endswith("snow.txt")


def test_an_emoji_asks_no_invisible_word(summariser: Summariser) -> None:
    # Its joiner and variation selector are no words to look for, or to quote back.
    answer = summariser.answer("🏳️‍🌈")
    assert not answer.found
    assert "\u200d" not in answer.text and "\ufe0f" not in answer.text


def test_a_korean_word_is_found_with_its_particle_attached(summariser: Summariser) -> None:
    # The article writes 부산에서 (from Busan) and 태풍 때문에 (because of the typhoon).
    answer = summariser.answer("부산 여객선은 왜 멈췄나요?")
    assert answer.found
    assert "태풍" in answer.text
    assert answer.citations[0].url.endswith("ferry.txt")


def test_a_hindi_question_finds_its_words_whole_and_quotes_one_sentence(
    summariser: Summariser,
) -> None:
    # "What warning did the weather department give?": मौसम (weather) and विभाग
    # (department) end in vowel signs, which once cut each word into bare consonants; the
    # danda ends the sentence quoted.
    answer = summariser.answer("मौसम विभाग ने क्या चेतावनी दी?")
    assert answer.found
    assert answer.text.startswith("मौसम विभाग ने कल के लिए चेतावनी जारी की है। [1]")
    assert answer.citations[0].url.endswith("rain.txt")


def test_a_hindi_word_ending_in_a_vowel_sign_is_searched_whole(
    summariser: Summariser,
) -> None:
    # "How many beds are in the hospital?": "हैं" and "में" end in vowel signs.
    answer = summariser.answer("अस्पताल में कितने बिस्तर हैं?")
    assert answer.found
    assert "महापौर सुनीता शर्मा ने कहा कि अस्पताल में तीन सौ बिस्तर हैं।" in answer.text
    assert answer.citations[0].url.endswith("hospital.txt")


def test_a_hindi_word_is_searched_whole_on_either_database(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    # "काम" (work) is no part of "कुमार" (a name): SQLite's index once cut both at their
    # vowel signs into the same consonants, and found the name.
    records = tmp_path / "hindi.jsonl"
    records.write_text(
        '{"url": "https://a.example/1", "language": "hi", "text": "राहुल कुमार ने कहा कि वह आएंगे।"}\n'
        '{"url": "https://a.example/2", "language": "hi", "text": "सड़क का काम सोमवार को शुरू हुआ।"}\n',
        encoding="utf-8",
    )
    assert Ingestor(db, settings).ingest([str(records)]).failed == 0
    with db.session() as session:
        found = search_articles(session, ["काम"])
        urls = {a.url for a in get_articles(session, [i for i, _ in found]).values()}
    assert urls == {"https://a.example/2"}


def test_hindi_function_words_alone_are_no_answer(summariser: Summariser) -> None:
    # "Who said in the cricket match that he will win?" shares only "said", "that" and
    # "in" with the hospital article: no answer, and no function word named as unfound.
    answer = summariser.answer("क्रिकेट मैच में किसने कहा कि वह जीतेगा?")
    assert not answer.found
    assert "“में”" not in answer.text and "“कि”" not in answer.text


def test_an_arabic_question_is_answered_by_one_sentence(summariser: Summariser) -> None:
    # "When will the ships sail?"
    answer = summariser.answer("متى ستبحر السفن؟")
    assert answer.found
    assert answer.text.startswith("وقالت الشركة إن السفن ستبحر غدا. [1]")
    assert answer.citations[0].url.endswith("port.txt")


def test_a_question_in_decomposed_unicode_finds_the_composed_words(
    summariser: Summariser,
) -> None:
    # A pasted "å" may be an "a" and a combining ring; the articles are stored composed.
    typed = unicodedata.normalize("NFD", "Hvorfor ble båtene i Ålesund liggende?")
    assert typed != unicodedata.normalize("NFC", typed)
    answer = summariser.answer(typed)
    assert answer.found
    assert "på grunn av stormen" in answer.text
    assert answer.citations[0].url.endswith("boats.txt")


def test_istanbul_is_found_however_its_capital_i_is_written(summariser: Summariser) -> None:
    # The article writes "İstanbul", which lower-cases to an "i" and a combining dot.
    answer = summariser.answer("İstanbul metrosu günde kaç yolcu taşıyacak?")
    assert answer.found
    assert "Hat günde 300 bin yolcu taşıyacak." in answer.text
    assert answer.citations[0].url.endswith("metro.txt")
    typed_without_dot = summariser.answer("Ne oldu Istanbul metrosunda?")
    assert "nothing about" not in typed_without_dot.text
    shouted = summariser.answer("IŞIL YILDIZ ne yaptı?")
    assert shouted.found
    assert "Genel müdür Işıl Yıldız açılışta konuştu." in shouted.text


def test_arabic_is_found_without_its_doubling_and_stretching_marks(
    summariser: Summariser,
) -> None:
    # "Who is Samir Haddad?", typed without the shadda the article writes.
    answer = summariser.answer("من هو سمير حداد؟")
    assert answer.found
    assert "وقال المدير سمير حدّاد إن الحديقة تضم ألف شجرة." in answer.text
    # "The minister of health", unstretched.
    stretched = summariser.answer("ماذا فعل وزير الصحة؟")
    assert stretched.found
    assert stretched.citations[0].url.endswith("park.txt")


def test_pointed_hebrew_is_found_by_a_question_without_points(summariser: Summariser) -> None:
    # "Who was elected head of the city of Haifa?"
    answer = summariser.answer("מי נבחר לראש העיר חיפה?")
    assert answer.found
    assert answer.citations[0].url.endswith("mayor.txt")


def test_an_armenian_full_stop_ends_the_title_and_the_sentence_quoted(
    summariser: Summariser,
) -> None:
    # "How much does the bridge cost?"
    answer = summariser.answer("Որքա՞ն արժե կամուրջը")
    assert answer.found
    assert answer.text.startswith("Այն արժե երկու միլիարդ դրամ։ [1]")
    assert answer.citations[0].title == "Երևանում նոր կամուրջ բացվեց"


def test_a_chinese_question_about_what_no_article_holds_is_refused_in_its_own_words(
    summariser: Summariser,
) -> None:
    answer = summariser.answer("谁是美国总统？")
    assert not answer.found
    # What was typed, not the pairs of characters it was searched by ("谁是", "是美").
    assert "“谁是美国总统”" in answer.text
    assert "“谁是”" not in answer.text


def test_two_tellings_of_a_chinese_story_are_one_digest_item(
    sqlite_db: Database, settings: Settings
) -> None:
    morning = datetime(2024, 2, 1, 6, 0, tzinfo=UTC)

    def telling(outlet: str, title: str, text: str, hours: int) -> ArticleDraft:
        return ArticleDraft(
            url=f"https://{outlet}.example/libya",
            title=title,
            text=text,
            source=outlet,
            published_at=morning + timedelta(hours=hours),
            published_precision="minute",
        )

    # No clause of one is a clause of the other: only their words are shared.
    other = telling("c", "东京下大雪", "东京下大雪，很多列车停运。气象厅预报明天继续下雪。", 3)
    Ingestor(sqlite_db, settings).store(
        [
            telling(
                "a",
                "哈夫塔尔离开莫斯科",
                "哈夫塔尔将军没有签署停火协议就离开了莫斯科。俄罗斯和土耳其主持了谈判。",
                1,
            ),
            telling(
                "b",
                "哈夫塔尔未签停火协议",
                "在俄罗斯和土耳其主持的莫斯科谈判中，哈夫塔尔将军拒绝签署停火协议，随后离开了莫斯科。",
                2,
            ),
            other,
        ]
    )
    items = build_digest(sqlite_db, morning, morning + timedelta(days=1)).items
    assert len(items) == 2
    libya = next(i for i in items if "哈夫塔尔" in i.headline)
    assert [c.source for c in libya.citations] == ["a", "b"]


def test_doctor_repair_reads_the_words_of_articles_stored_before_anew(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from adapters.cli import app

    database = tmp_path / "old.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"}
    news = tmp_path / "libya.txt"
    news.write_text(LIBYA_ZH, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(news)], env=env).exit_code == 0
    # As an earlier version stored it: each clause one word.
    with sqlite3.connect(database) as connection:
        [(text,)] = connection.execute("SELECT text FROM articles").fetchall()
        clauses = " ".join(text.replace("，", " ").replace("。", " ").split())
        connection.execute("UPDATE articles SET search_terms = ?", (clauses,))
    asked = ["ask", "土耳其支持谁？"]
    assert "土耳其支持总理萨拉杰" not in runner.invoke(app, asked, env=env).stdout
    repaired = runner.invoke(app, ["doctor", "--repair"], env=env)
    assert "Read the words of 1 article anew." in repaired.stderr
    assert "土耳其支持总理萨拉杰。" in runner.invoke(app, asked, env=env).stdout
    again = runner.invoke(app, ["doctor", "--repair"], env=env)
    assert "anew" not in again.stderr


BOOK_PRIZE = {
    "url": "https://kulturblatt.example/buchpreis",
    "title": "Buchpreis für Frank Witzel",
    "source": "Kulturblatt",
    "language": "de",
    "published": "2015-10-12T18:00:00+00:00",
    "text": (
        "Frank Witzel bekam am Montag in Frankfurt den Deutschen Buchpreis für seinen "
        "Roman über die Bundesrepublik der siebziger Jahre.\n"
        "Die Jury lobte das Buch als ein großes Panorama einer verwirrten Zeit."
    ),
}


def test_a_question_in_english_letters_of_another_language_drops_its_function_words(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, BOOK_PRIZE)
    # "Wer" and "den" are German's own words, not what is asked: no caveat says the
    # article never uses "wer".
    answer = summariser.answer("Wer erhielt den Deutschen Buchpreis 2015?")
    assert answer.found
    assert "Frank Witzel bekam am Montag in Frankfurt den Deutschen Buchpreis" in answer.text
    assert "“wer”" not in answer.note, answer.note
    # English writes "on" too, and "EU" is no function word however a question reads:
    # "EU sanctions on Iran" (read as French) still asks of the EU.
    assert [t.exact for t in analyse("EU sanctions on Iran", None, None).terms] == [
        "eu",
        "sanctions",
        "iran",
    ]
