"""Every script as it is written: segmentation (with and without PyICU), spacing per
script, exact offsets, the grammar's language, --locale, the TSV reader of the
task-oriented dialog data, and a Thai induce -> compile -> sample -> parse round trip."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst import draw
from grammar_fst.cli.main import main
from grammar_fst.data import formats
from grammar_fst.errors import GrammarError
from grammar_fst.evaluate import evaluate
from grammar_fst.grm import ast as g
from grammar_fst.grm import syntax
from grammar_fst.induction import induce
from grammar_fst.text import scripts, segmentation, tokens

GRAMMARS = Path(__file__).parent.parent / "grammars"
THAI_SPACE_THAI = re.compile("[\u0e00-\u0e7f] [\u0e00-\u0e7f]")


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def without_icu(monkeypatch):
    """As on a machine without PyICU: `import icu` fails."""
    monkeypatch.setitem(sys.modules, "icu", None)
    segmentation._iterator.cache_clear()
    segmentation.segment.cache_clear()
    yield
    segmentation._iterator.cache_clear()
    segmentation.segment.cache_clear()


# -- segmentation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("เปิดไฟห้องครัวครับ", ["เปิด", "ไฟ", "ห้อง", "ครัว", "ครับ"]),
        ("ตั้งปลุก7โมงเช้า", ["ตั้ง", "ปลุก", "7", "โมง", "เช้า"]),  # ICU keeps ปลุก7โมง whole
        ("ดูNetflixที่ห้องนอน", ["ดู", "Netflix", "ที่", "ห้อง", "นอน"]),
        ("เร็ว ๆ นี้", ["เร็ว", "ๆ", "นี้"]),  # the repetition mark is a word of its own
        ("เร็วๆนี้", ["เร็ว", "ๆ", "นี้"]),
        ("ジャズを流して", ["ジャズ", "を", "流し", "て"]),
        ("明日の天気", ["明日", "の", "天気"]),
        ("播放音乐", ["播放", "音乐"]),
        ("play some rock, please", ["play", "some", "rock", ",", "please"]),  # its own word
        ("मुझे गाने सुनने हैं", ["मुझे", "गाने", "सुनने", "हैं"]),
        ("ما هو الطقس", ["ما", "هو", "الطقس"]),
    ],
)
def test_words_segment_scripts_written_without_spaces(text, words):
    assert tokens.words(text) == words


def test_characters_past_u_ffff_are_cut_as_characters():
    """ICU counts UTF-16 code units: an emoji or a Han character of Extension B is two,
    and its offsets used as they were cut words in the wrong places."""
    assert tokens.words("𠮷野家で牛丼") == ["𠮷", "野家", "で", "牛", "丼"]
    assert tokens.words("ジャズ😀を流して") == ["ジャズ", "😀", "を", "流し", "て"]
    assert "".join(tokens.words("を😀\u3099😀")) == "を😀\u3099😀"


def test_words_are_nfc_whatever_the_input_form():
    decomposed = unicodedata.normalize("NFD", "mañana à")
    assert tokens.words(decomposed) == ["mañana", "à"]


def test_without_icu_spaced_scripts_still_work_and_thai_says_what_to_install(without_icu):
    assert not segmentation.available()
    assert tokens.words("play some rock") == ["play", "some", "rock"]
    assert tokens.words("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    with pytest.raises(segmentation.MissingSegmenter, match=r"Thai .*grammar-fst\[scripts\]"):
        tokens.words("เปิดไฟ")
    with pytest.raises(segmentation.MissingSegmenter, match="Chinese/Japanese"):
        tokens.words("ジャズ")


def test_without_icu_a_thai_grammar_is_a_located_error(capsys, tmp_path, without_icu):
    source = tmp_path / "th.grm"
    source.write_text("language th\nintent A = เปิดไฟ\n", encoding="utf-8")
    status, out, err = run(capsys, "compile", source)
    assert status == 2 and out == ""
    assert f"{source}:2:12:" in err and "pip install 'grammar-fst[scripts]'" in err
    assert "Traceback" not in err


# -- spacing rules per script -----------------------------------------------------------


@pytest.mark.parametrize(
    "words, text",
    [
        (["ตั้ง", "ปลุก", "7", "โมง", "เช้า"], "ตั้งปลุก 7 โมงเช้า"),  # Thai: space at a digit
        (["เปิด", "Netflix", "หน่อย"], "เปิด Netflix หน่อย"),  # and at a Latin word
        (["ເປີດ", "ໄຟ"], "ເປີດໄຟ"),  # Lao
        (["ဖွင့်", "ပါ"], "ဖွင့်ပါ"),  # Burmese
        (["明日", "の", "7", "時", "の", "アラーム"], "明日の7時のアラーム"),  # Japanese
        (["播放", "Taylor", "Swift", "的", "歌"], "播放Taylor Swift的歌"),  # Chinese
        (["गाने", "चलाओ"], "गाने चलाओ"),  # Devanagari, with its combining vowel signs
        (["ما", "هو", "الطقس"], "ما هو الطقس"),  # Arabic, right to left, logical order
        (["ไทย", "ລາວ"], "ไทย ລາວ"),  # two unspaced scripts still get a space
        (["شغل", "宇多田", "ヒカル", "من", "فضلك"], "شغل 宇多田ヒカル من فضلك"),  # in Arabic
        (["включи", "宇多田", "ヒカル"], "включи 宇多田ヒカル"),  # and in Russian
        (["เปิด", "宇多田", "ヒカル", "ให้"], "เปิด 宇多田ヒカル ให้"),  # and in Thai
    ],
)
def test_join_writes_each_script_as_it_is_written(words, text):
    assert tokens.join(words) == text
    assert tokens.words(text) == words


def test_spacing_table():
    assert not scripts.gap("ไฟ", "ห้อง") and scripts.gap("ไฟ", "7") and scripts.gap("7", "ไฟ")
    assert not scripts.gap("7", "時") and not scripts.gap("時", "7")
    assert tokens.join(["បើក", "ភ្លើង"]) == "បើកភ្លើង"  # Khmer
    assert scripts.gap("play", "rock") and scripts.gap("7", "pm")


SPELLED = """
intent Thai = ตั้งปลุก{time}[{day}]ครับ | เปิด{app}หน่อย
intent Japanese = {day}の{time}のアラーム
intent Hindi = {city} में मौसम कैसा है
intent Arabic = ما هو الطقس في {city}
slot time = 7 โมงเช้า | 7時 | ตีห้า
slot day = พรุ่งนี้ | 明日
slot app = Netflix | YouTube
slot city = दिल्ली | मुंबई | القاهرة
"""


def test_samples_are_written_as_their_scripts_write_them_with_exact_offsets():
    grammar = gf.from_text(SPELLED)
    seen = set()
    for u in grammar.sample(400, seed=3):
        seen.add(u.text)
        for slot in u.slots:
            assert u.text[slot.start : slot.end] == slot.value
        assert not THAI_SPACE_THAI.search(u.text), u.text
    assert "ตั้งปลุก 7 โมงเช้าพรุ่งนี้ครับ" in seen
    assert "ตั้งปลุกตีห้าครับ" in seen
    assert "เปิด Netflix หน่อย" in seen
    assert "明日の7時のアラーム" in seen
    assert "दिल्ली में मौसम कैसा है" in seen
    assert "ما هو الطقس في القاهرة" in seen


def test_offsets_are_in_characters_of_the_text():
    grammar = gf.from_text(SPELLED)
    u = grammar.parse("ตั้งปลุก 7 โมงเช้าพรุ่งนี้ครับ")
    assert u is not None and u.intent == "Thai"
    assert [(s.slot, s.value, s.start, s.end) for s in u.slots] == [
        ("time", "7 โมงเช้า", 9, 18),
        ("day", "พรุ่งนี้", 18, 26),
    ]
    u = grammar.parse("मुंबई में मौसम कैसा है")
    assert u.slots[0][1:4] == ("मुंबई", 0, 5)  # five code points, two of them vowel signs


def test_every_writer_writes_the_same_text(capsys):
    grammar = GRAMMARS / "thai.grm"
    texts = {}
    for fmt in ("jsonl", "massive", "text"):
        out = run(capsys, "sample", grammar, "-n", "20", "--seed", "2", "--format", fmt)[1]
        lines = out.splitlines()
        texts[fmt] = [
            line if fmt == "text" else json.loads(line)["utt" if fmt == "massive" else "text"]
            for line in lines
        ]
    assert texts["jsonl"] == texts["massive"] == texts["text"]
    assert texts["jsonl"] and not any(THAI_SPACE_THAI.search(t) for t in texts["jsonl"])


@pytest.mark.parametrize("fmt, suffix", [("bio", ".conll"), ("rasa", ".yml"), ("snips", ".json")])
def test_document_and_bio_writers_read_back_the_same_thai_text(capsys, tmp_path, fmt, suffix):
    out = tmp_path / f"th{suffix}"
    grammar = GRAMMARS / "thai.grm"
    assert (
        run(capsys, "sample", grammar, "-n", "15", "--seed", "2", "--format", fmt, "-o", out)[0]
        == 0
    )
    unique = ["--unique"] if formats.get(fmt).training_set else []  # as a training set samples
    reference = run(capsys, "sample", grammar, "-n", "15", "--seed", "2", *unique)[1]
    reference = reference.splitlines()
    assert sorted(u.text for u in formats.read(out)) == sorted(
        json.loads(line)["text"] for line in reference
    )


# -- the grammar's language -------------------------------------------------------------


def test_language_declaration_round_trips_and_segments_words():
    source = "# Thai, as written\nlanguage th\nintent A = เปิดไฟ{room}ครับ\nslot room = ห้องครัว\n"
    grammar = syntax.parse(source)
    assert grammar.language.code == "th" and grammar.language.comment == "Thai, as written"
    words = [w.text for w in grammar.intents["A"].body.items if hasattr(w, "text")]
    assert words == ["เปิด", "ไฟ", "ครับ"]
    formatted = syntax.format_grammar(grammar)
    assert formatted.startswith("# Thai, as written\nlanguage th\n")
    assert syntax.parse(formatted) == grammar


@pytest.mark.parametrize(
    "source, message",
    [
        ("language th\nlanguage ja\nintent A = a\n", "2:1: a second language declaration"),
        ("language 7x\nintent A = a\n", "1:10: language needs a language tag"),
        ("language\nintent A = a\n", "language needs a language tag"),
        ("language th ja\nintent A = a\n", "1:13: unexpected"),
    ],
)
def test_bad_language_declarations_are_located(source, message):
    with pytest.raises(GrammarError, match=message):
        syntax.parse(source)


def test_the_language_is_kept_in_the_archive_and_names_the_massive_locale(capsys, tmp_path):
    far = tmp_path / "thai.far"
    assert run(capsys, "compile", GRAMMARS / "thai.grm", "-o", far)[0] == 0
    assert gf.load(far).fsts.language == "th"
    for source in (GRAMMARS / "thai.grm", far):
        out = run(capsys, "sample", source, "-n", "3", "--format", "massive")[1]
        assert {json.loads(line)["locale"] for line in out.splitlines()} == {"th-TH"}
    out = run(capsys, "sample", far, "-n", "3", "--format", "massive", "--locale", "th-XX")[1]
    assert {json.loads(line)["locale"] for line in out.splitlines()} == {"th-XX"}
    out = run(capsys, "sample", GRAMMARS / "toy.grm", "-n", "2", "--format", "massive")[1]
    assert {json.loads(line)["locale"] for line in out.splitlines()} == {"en-US"}


@pytest.mark.parametrize(
    "language, locale",
    [(None, "en-US"), ("th", "th-TH"), ("ja", "ja-JP"), ("es-MX", "es-MX"), ("zh-Hant", "zh-TW"),
     ("zh", "zh-CN"), ("xx", "xx")],
)  # fmt: skip
def test_massive_locale_of_a_language(language, locale):
    assert formats.massive.locale_of(language) == locale


def test_convert_keeps_the_locale_it_reads(capsys, tmp_path):
    data = tmp_path / "in.jsonl"
    record = {"locale": "th-TH", "intent": "a", "utt": "เปิดไฟ", "annot_utt": "เปิดไฟ"}
    data.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = run(capsys, "convert", data, "--to", "massive")[1]
    assert json.loads(out)["locale"] == "th-TH"
    tsv = tmp_path / "in.tsv"
    tsv.write_text("a/b\t\tเปิดไฟ\tth_TH\t{}\n", encoding="utf-8")
    assert json.loads(run(capsys, "convert", tsv, "--to", "massive")[1])["locale"] == "th_TH"
    out = run(capsys, "convert", tsv, "--to", "massive", "--locale", "th-TH")[1]
    assert json.loads(out)["locale"] == "th-TH"


# -- the task-oriented dialog TSV -------------------------------------------------------

TSV = (
    "alarm/set_alarm\t14:38:datetime\tตั้งนาฬิกาปลุกสำหรับ 6 โมงเช้าพรุ่งนี้\tth_TH\t{}\n"
    "alarm/cancel_alarm\t\tCancelar todas las alarmas \tes_XX\t{}\n"
    "alarm/set_alarm\t-3:4:datetime\tabc def\tes_XX\t{}\n"
    "only two\tcolumns\n"
    "weather/find\t0:x:datetime\thoy\tes_XX\t{}\n"
    "weather/find\t6:10:datetime\tLlueve hoy\tes_XX\t{}\n"
    "weather/find\t0:6:weather/attribute\tLloverá hoy?\tes_XX\t{}\n"
    "reminder/set_reminder\t0:3:x,4:9:y\tfoo barbaz\tes_XX\t{}\n"
)


def test_tod_reader_reads_the_text_as_written_and_locates_bad_rows(tmp_path, caplog):
    path = tmp_path / "train-th.tsv"
    path.write_text(TSV, encoding="utf-8")
    records = formats.read(path, on_error="skip")  # .tsv is this format
    read = list(records)
    assert [(u.intent, u.text, [s[:4] for s in u.slots]) for u in read] == [
        ("alarm/set_alarm", "ตั้งนาฬิกาปลุกสำหรับ 6 โมงเช้าพรุ่งนี้",
         [("datetime", "สำหรับ 6 โมงเช้าพรุ่งนี้", 14, 38)]),
        ("alarm/cancel_alarm", "Cancelar todas las alarmas", []),
        ("weather/find", "Llueve hoy", [("datetime", "hoy", 7, 10)]),
    ]  # fmt: skip
    where = [str(e).split(": ", 1)[0] for e in records.skipped]
    assert where == [f"{path}:3:17", f"{path}:4:1", f"{path}:5:14", f"{path}:7:14", f"{path}:8:29"]
    messages = " ".join(str(e) for e in records.skipped)
    assert "outside the text" in messages and "4 tab-separated columns" in messages
    assert "whole numbers" in messages and "cuts a word" in messages
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 5


def test_tod_bad_row_stops_with_its_location_by_default(capsys, tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text(TSV, encoding="utf-8")
    status, out, err = run(capsys, "convert", path, "--to", "jsonl")
    assert status == 2 and f"{path}:3:17:" in err and "Traceback" not in err
    assert out == ""  # nothing half-written


# -- Thai: induce -> compile -> sample -> parse -----------------------------------------

GOLDEN = [
    ("SetAlarm", "ตั้งปลุก 7 โมงเช้าครับ", "7 โมงเช้า"),
    ("SetAlarm", "ตั้งปลุกตีห้าครับ", "ตีห้า"),
    ("SetAlarm", "ปลุกฉัน 6 โมงเช้าหน่อย", "6 โมงเช้า"),
    ("SetAlarm", "ปลุกฉันเที่ยงหน่อย", "เที่ยง"),
    ("LightsOn", "เปิดไฟห้องครัวหน่อย", "ห้องครัว"),
    ("LightsOn", "เปิดไฟห้องนอนครับ", "ห้องนอน"),
    ("LightsOn", "ช่วยเปิดไฟห้องน้ำหน่อย", "ห้องน้ำ"),
]


def golden() -> list[gf.Utterance]:
    out = []
    for intent, text, value in GOLDEN:
        start = text.index(value)
        slot = "time" if intent == "SetAlarm" else "room"
        out.append(
            gf.Utterance(text, intent, (gf.SlotValue(slot, value, start, start + len(value)),))
        )
    return out


def test_thai_induce_compile_sample_parse_round_trip(tmp_path):
    induction = induce(golden())
    text = induction.text()
    read = syntax.parse(text).of_kind(g.Definition)
    said = {w.text for s in read for w in g.walk(s.body) if isinstance(w, g.Word)}
    assert {"ตั้ง", "ปลุก"} <= said  # words, not whole phrases, read back from the text
    assert not THAI_SPACE_THAI.search(text)  # which writes them as Thai is written
    path = tmp_path / "induced.grm"
    path.write_text(text, encoding="utf-8")
    far = tmp_path / "induced.far"
    gf.load(path).write_far(far)
    grammar = gf.load(far)
    report = evaluate(grammar, golden(), samples=0)
    assert report.recall == 1.0 and report.slot_recall == 1.0
    drawn = list(grammar.sample(300, seed=5))
    assert {u.intent for u in drawn} == {"SetAlarm", "LightsOn"}
    for u in drawn:
        assert not THAI_SPACE_THAI.search(u.text), u.text
        reading = grammar.parse(u.text)
        assert reading is not None and (reading.intent, reading.slots) == (u.intent, u.slots)
    # generalized inside a phrase: a sentence that no golden utterance says
    said = {u.text for u in golden()}
    assert any(u.text not in said for u in drawn)


# -- drawings ---------------------------------------------------------------------------


@pytest.mark.parametrize("families, warned", [("", True), ("Loma\n", False)])
def test_drawing_warns_of_a_script_no_font_covers(tmp_path, monkeypatch, families, warned):
    fake = tmp_path / "fc-list"
    fake.write_text(f"#!/bin/sh\nprintf '{families}'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    source = gf.load(GRAMMARS / "thai.grm").draw("LightsOn")
    warnings = draw.missing_fonts(source)
    assert bool(warnings) == warned
    if warned:
        assert "Thai" in warnings[0] and "apt-get install fonts-thai-tlwg" in warnings[0]
    assert draw.missing_fonts(gf.load(GRAMMARS / "toy.grm").draw()) == []


def test_induce_declares_the_language_of_the_data(capsys, tmp_path):
    data = tmp_path / "golden.tsv"
    data.write_text(
        "alarm/set_alarm\t9:18:datetime\tตั้งปลุก 7 โมงเช้าครับ\tth_TH\t{}\n"
        "alarm/set_alarm\t\tปลุกฉันหน่อย\tth_TH\t{}\n",
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "induce", data)
    assert status == 0 and "\nlanguage th_TH\n" in out  # as the data spells it
    assert gf.from_text(out).fsts.language == "th_TH"
    assert "\nlanguage th\n" in run(capsys, "induce", data, "--language", "th")[1]
    with pytest.raises(SystemExit) as stop:  # a usage error, as argparse reports one
        main(["induce", str(data), "--language", "7"])
    assert stop.value.code == 2 and "'7' is not a language tag" in capsys.readouterr().err
