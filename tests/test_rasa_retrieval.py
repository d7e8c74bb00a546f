"""Rasa's retrieval intents (`faq/ask_name`, an intent named with a `/`) and slot types
named so are kept verbatim: read, written, induced into a grammar (a quoted name) and
sampled back as Rasa data."""

from __future__ import annotations

from pathlib import Path

from test_cli_data import run

from grammar_fst.data.formats import rasa
from grammar_fst.data.records import SlotValue, Utterance

DATA = '''version: "3.1"
nlu:
- intent: faq/ask_name  # the bot's name
  examples: |
    - what is your name
    - who are you
- intent: "faq/ask name"
  examples: |
    - tell me your name
- intent: 'chitchat/ask-weather.v2'
  examples: |-
    - is it raining in [paris](place/city)
- intent: faq/no
  examples: |
    - no way
'''
NAMES = {"faq/ask_name", "faq/ask name", "chitchat/ask-weather.v2", "faq/no"}


def _read(path: Path) -> list[Utterance]:
    return list(rasa.read(str(path)))


def test_retrieval_intents_are_read_and_written_verbatim(tmp_path):
    source = tmp_path / "nlu.yml"
    source.write_text(DATA, encoding="utf-8")
    read = _read(source)
    assert {u.intent for u in read} == NAMES
    assert read[3].slots == (SlotValue("place/city", "paris", 17, 22),)
    written = tmp_path / "again.yml"
    written.write_text(rasa.write_document(read), encoding="utf-8")
    assert "- intent: faq/ask_name\n" in written.read_text("utf-8")
    assert _read(written) == read


def test_a_grammar_induced_from_retrieval_intents_samples_them_back(capsys, tmp_path):
    source = tmp_path / "nlu.yml"
    source.write_text(DATA, encoding="utf-8")
    status, grammar, _ = run(capsys, "induce", source)
    assert status == 0
    assert 'intent "faq/ask_name" = ' in grammar and 'intent "faq/ask name" = ' in grammar
    assert '{"place/city"}' in grammar
    induced = tmp_path / "faq.grm"
    induced.write_text(grammar, encoding="utf-8")
    sampled = tmp_path / "sampled.yml"
    assert run(capsys, "sample", induced, "--all", "--format", "rasa", "-o", sampled)[0] == 0
    assert sorted(_read(sampled)) == sorted(_read(source))
    parsed = run(capsys, "parse", induced, "who are you")[1]
    assert '"intent": "faq/ask_name"' in parsed
