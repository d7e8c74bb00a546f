"""`grammar-fst check`: errors and warnings, with locations."""

from __future__ import annotations

from collections import Counter

import pytest

from grammar_fst import check
from grammar_fst.cli.main import main
from grammar_fst.fst.compiler import CompiledFsts
from grammar_fst.grm import syntax


def findings(text):
    return [str(d) for d in check.check(syntax.parse(text, "g.grm"))]


def test_clean_grammar_has_no_findings():
    assert findings("$p = please\nintent A = go $p?\n") == []


def test_unused_and_unreachable_rules_and_slots():
    found = findings("$a = x\n$b = y\n$c = $b\nintent A = go\nslot s = z\n")
    assert "g.grm:1:1: warning: rule $a is never used" in found
    assert "g.grm:2:1: warning: rule $b is unreachable: only unused rules refer to it" in found
    assert "g.grm:3:1: warning: rule $c is never used" in found
    assert "g.grm:5:1: warning: slot s is never used" in found


def test_duplicate_alternatives():
    assert findings("intent A = x | y | x\n") == [
        "g.grm:1:20: warning: this alternative repeats an earlier one in the same choice; "
        "use a weight instead"
    ]


def test_empty_language_is_an_error():
    assert "g.grm:1:1: error: intent A has an empty language" in findings(
        "intent A = a <0> | b <0>\n"
    )


def test_ambiguity_is_found_with_its_readings():
    found = findings("intent A = play {s} | play rock\nslot s = rock | pop\n")
    assert found == [
        "g.grm:1:1: warning: ambiguous: 'play rock' has 2 readings: play [s : rock] | play rock"
    ]


def test_an_ambiguous_sentence_shows_its_own_intents_readings_only():
    """The readings shown are those counted: of the intent, not of another that says the
    same sentence (that is its own finding)."""
    found = findings("intent A = play {s} | play rock\nintent B = play rock\nslot s = rock\n")
    assert found == [
        "g.grm:1:1: warning: ambiguous: 'play rock' has 2 readings: play [s : rock] | play rock",
        "g.grm:2:1: warning: 'play rock' is a sentence of both intent A and intent B",
    ]


def test_sentences_are_shown_as_the_script_writes_them():
    """Thai has no spaces between words, and a question mark follows its word: the
    sentence a finding quotes is one the grammar says, as sampling spells it."""
    found = findings("intent A = เปิด {s} | เปิด ไฟ\nintent B = ปิด ไฟ\nslot s = ไฟ\n")
    assert found[0].startswith("g.grm:1:1: warning: ambiguous: 'เปิดไฟ' has 2 readings: ")
    found = findings("intent A = is it on \"?\"\nintent B = is it on \"?\" | no\n")
    assert found == ["g.grm:2:1: warning: 'is it on?' is a sentence of both intent A and intent B"]


def test_a_word_said_twice_at_a_slot_edge_is_found_with_how_often():
    found = findings(
        "intent Find = find the {title} | play {genre} music\n"
        "slot title = the patrician | dune\n"
        "slot genre = jazz music | rock\n"
    )
    assert len(found) == 1 and found[0].startswith("g.grm:1:1: warning: 'the' is said twice")
    assert "slot title in " in found[0] and "of 2,000 sampled sentences" in found[0]
    assert "('find the the patrician')" in found[0]
    after = findings("intent Play = play {genre} music\nslot genre = jazz music | rock\n")
    assert len(after) == 1 and "'music' is said twice at an edge of slot genre" in after[0]
    # a word said twice elsewhere, or in another case only as part of a word, is no finding
    assert findings("intent A = the the {x}\nslot x = they | dune\n") == []


def test_a_spanish_question_ending_in_an_optional_word_is_found():
    found = findings("intent W = ¿va a llover hoy? | ¿qué tiempo hace\n")
    assert len(found) == 1 and found[0].startswith("g.grm:1:28: warning: 'hoy?' says 'hoy'")
    assert 'quote it: hoy "?"' in found[0]
    # a question mark said, no opening mark, or a weighted optional part: meant so
    quiet = 'intent W = ¿va a llover hoy "?" | ¿quieres algo más? "?" | play please? | ¿y tú?<0.2>'
    assert findings(quiet + "\n") == []


def test_an_indented_import_read_as_words_is_found():
    found = findings('intent A = hola\n  import "common.grm"\n')
    assert found == [
        "g.grm:2:3: warning: 'import common.grm' is read as two words of the sentence, and "
        "nothing is imported: an import starts at column 1"
    ]
    assert findings("intent A = please import the photos\n") == []


def test_sentence_in_two_intents():
    found = findings("intent A = stop | halt\nintent B = stop now | stop\n")
    assert found == ["g.grm:2:1: warning: 'stop' is a sentence of both intent A and intent B"]


def test_meaning_errors_are_all_reported():
    found = findings("intent A = $x {y}\n")
    assert [f.split(": ", 2)[1] for f in found] == ["error", "error"]


def test_check_exit_status(tmp_path, capsys):
    good = tmp_path / "good.grm"
    good.write_text("intent A = go | go\n", encoding="utf-8")
    assert main(["check", str(good)]) == 0
    bad = tmp_path / "bad.grm"
    bad.write_text("intent A = a <0> | b <0>\n", encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr()
    assert "warning: this alternative repeats" in out.out
    assert "error: intent A has an empty language" in out.out
    assert out.out.endswith(f"{bad}: 1 error, 0 warnings\n") and not out.err


def test_catalogue_problems_are_findings(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text('intent A = play {g}\nslot g from "g.tsv"\n', encoding="utf-8")
    (tmp_path / "g.tsv").write_text("value\tweight\nrock\tlots\n", encoding="utf-8")
    assert main(["check", str(grammar)]) == 1
    assert f"{tmp_path / 'g.tsv'}:2:6: error: bad weight 'lots'" in capsys.readouterr().out
    (tmp_path / "g.tsv").unlink()
    assert main(["check", str(grammar)]) == 1
    assert f"{grammar}:2:13: error: catalogue file 'g.tsv' not found" in capsys.readouterr().out


def test_check_stops_listing_readings_early():
    found = findings("intent A = go ({s} | {t}){1,14}\nslot s = x\nslot t = x\n")
    assert len(found) == 1 and found[0].count("|") == 2  # three readings shown, not 2**14


def test_check_writes_its_whole_report_to_standard_output(tmp_path, capsys):
    broken = tmp_path / "broken.grm"
    broken.write_text("intent A = (a\n", encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr()
    assert out.out == (
        f"{broken}:1:12: error: '(' is never closed: expected ')' before the end of the file\n"
        f"{broken}: 1 error, 0 warnings\n"
    )
    assert not out.err
    assert main(["check", str(tmp_path / "absent.grm")]) == 2  # nothing could be checked
    assert "cannot read the file" in capsys.readouterr().err


def test_check_help_gives_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Exit status 1 on errors, 2 if the grammar cannot be read at all" in help_text


def _rule_reads(monkeypatch, intents: int) -> Counter:
    """How often `check` reads each rule's FST on a chain of 20 rules that `intents`
    intents share."""
    rules = ["$r0 = a | b"] + [f"$r{i} = $r{i - 1} (c{i} | d{i})" for i in range(1, 20)]
    lines = rules + [f"intent I{n} = w{n} $r{n % 20}" for n in range(intents)]
    reads: Counter = Counter()
    arrays = CompiledFsts.arrays

    def counted(self, key):
        reads[key] += 1
        return arrays(self, key)

    monkeypatch.setattr(CompiledFsts, "arrays", counted)
    assert check.check(syntax.parse("\n".join(lines) + "\n", "g.grm")) == []
    return Counter({key: n for key, n in reads.items() if key[0] == "rule"})


def test_check_reads_the_rules_as_often_for_forty_intents_as_for_twenty(monkeypatch):
    """The flat sizes are found once per network: found again for each intent and each
    pair of intents, they read every rule once per asking (107 s on a grammar induced
    from 2,000 utterances of 71 intents)."""
    assert _rule_reads(monkeypatch, 40) == _rule_reads(monkeypatch, 20)
