"""Grammars and archives may come from someone else: the paths written in a grammar stay
in its folder tree, outputs are never written through a link nobody named, and an output
never replaces one of the files being read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main

ROOT = Path(__file__).parent.parent
TOY = ROOT / "grammars" / "toy.grm"
SECRET = "secret-first-line"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def project(tmp_path):
    """A grammar folder `project/`, and beside it a file nobody meant to share."""
    (tmp_path / "secret.txt").write_text(f"{SECRET}\nmore\n", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def grammar(folder: Path, text: str, name: str = "g.grm") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [
        'import "../secret.txt"',
        'import "/etc/passwd"',
        'import "../../../../../../../../etc/shadow"',
        'slot s from "../secret.txt"',
        'slot s from "/etc/passwd"',
    ],
)
def test_a_grammar_cannot_read_outside_its_folder(capsys, project, line):
    path = grammar(project, f"{line}\nintent A = a {{s}}\n" if "slot" in line else f"{line}\n")
    for command in ("check", "count", "sample", "compile"):
        status, out, err = run(capsys, command, path)
        assert status in (1, 2)
        said = out + err
        assert "outside the folder of" in said and f"{path}:1:" in said
        assert SECRET not in said and "root:" not in said
    assert not (project / "g.far").exists()


def test_a_link_inside_the_folder_to_a_file_outside_is_refused(capsys, project):
    (project / "users.txt").symlink_to(project.parent / "secret.txt")
    path = grammar(project, 'slot s from "users.txt"\nintent A = a {s}\n')
    status, out, err = run(capsys, "sample", path, "-n", "3")
    assert status == 2 and "leads through a link outside" in err and SECRET not in out + err


def test_allow_path_lets_a_grammar_read_another_folder(capsys, project):
    path = grammar(project, 'slot s from "../secret.txt"\nintent A = a {s}\n')
    status, out, _ = run(capsys, "sample", path, "-n", "2", "--allow-path", project.parent)
    assert status == 0 and json.loads(out.splitlines()[0])["text"] in (f"a {SECRET}", "a more")
    assert gf.load(path, allow=[project.parent]).count() == 2
    with pytest.raises(gf.GrammarError, match="outside the folder of"):
        gf.load(path)


def test_one_allowed_folder_given_alone_allows_that_folder_only(project):
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "values.txt").write_text("ok\n", encoding="utf-8")
    for written in ("../elsewhere/values.txt", "../secret.txt"):
        path = grammar(project, f'slot s from "{written}"\nintent A = a {{s}}\n')
        for allow in (str(elsewhere), elsewhere):  # not its characters: "/" would allow all
            if written.startswith("../elsewhere"):
                assert gf.load(path, allow=allow).count() == 1
            else:
                with pytest.raises(gf.GrammarError, match="outside the folder of"):
                    gf.load(path, allow=allow)


def test_allow_path_must_name_a_folder(capsys, project):
    with pytest.raises(SystemExit) as stop:
        main(["count", str(TOY), "--allow-path", str(project / "none")])
    assert stop.value.code == 2 and "is not a folder" in capsys.readouterr().err


def test_subfolders_and_links_within_the_tree_are_fine(capsys, project):
    (project / "lib").mkdir()
    grammar(project / "lib", "$greeting = hello | hi\n", "common.grm")
    (project / "lib" / "names.txt").write_text("ann\nbob\n", encoding="utf-8")
    (project / "names.txt").symlink_to(project / "lib" / "names.txt")
    path = grammar(
        project,
        'import "lib/common.grm"\nslot n from "names.txt"\nintent A = $greeting {n}\n',
    )
    assert run(capsys, "count", path)[1].endswith("total\t4\n")


def test_catalogues_named_on_the_command_line_are_the_users_choice(capsys, project):
    path = grammar(project, "slot s = x\nintent A = a {s}\n")
    secret = project.parent / "secret.txt"
    status, out, _ = run(capsys, "count", path, "--catalogue", f"s={secret}")
    assert status == 0 and out.endswith("total\t2\n")


@pytest.mark.parametrize("kind", ["import", "catalogue"])
def test_a_nul_in_a_path_is_a_located_error(capsys, project, kind):
    line = 'import "a\x00b.grm"' if kind == "import" else 'slot s from "a\x00b.txt"'
    path = grammar(project, f"{line}\nintent A = a\n")
    status, out, err = run(capsys, "check", path)
    assert status == 1 and f"{path}:1:" in out and "NUL character" in out and not err
    status, _, err = run(capsys, "count", path)
    assert status == 2 and f"{path}:1:" in err and "Traceback" not in err
    with pytest.raises(gf.GrammarError, match="NUL"):
        gf.load(path)


@pytest.mark.parametrize("kind", ["import", "catalogue"])
def test_an_overlong_file_name_is_a_located_error(capsys, project, kind):
    name = "x" * 300
    line = f'import "{name}.grm"' if kind == "import" else f'slot s from "{name}.txt"'
    path = grammar(project, f"{line}\nintent A = a\n")
    with pytest.raises(gf.GrammarError, match="longer than 255 bytes") as caught:
        gf.load(path)
    assert caught.value.location.line == 1
    status, _, err = run(capsys, "compile", path)
    assert status == 2 and f"{path}:1:" in err and "longer than 255 bytes" in err


# -- outputs --------------------------------------------------------------------------------


def test_a_planted_link_at_the_default_output_is_not_written_through(capsys, tmp_path):
    source = tmp_path / "toy.grm"
    source.write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "toy.far").symlink_to(victim)
    status, _, err = run(capsys, "compile", source)
    assert status == 2 and "symbolic link" in err and "-o" in err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.far", "toy.grm", "victim.txt"]


@pytest.mark.parametrize(
    "argv",
    [
        ["compile", "{src}", "-o", "{src}"],
        ["compile", "{src}", "-o", "{common}"],
        ["sample", "{far}", "-n", "2", "-o", "{far}"],
        ["sample", "{src}", "-n", "2", "-o", "{link}"],
        ["convert", "{data}", "-o", "{data}"],
        ["resample", "{data}", "-n", "5", "-o", "{data}"],
        ["induce", "{data}", "-o", "{data}"],
        ["draw", "{src}", "-o", "{common}"],
    ],
)
def test_an_output_that_is_an_input_is_refused(capsys, tmp_path, argv):
    src = tmp_path / "g.grm"
    src.write_text('import "common.grm"\nintent A = $x | play {genre}\n', encoding="utf-8")
    (tmp_path / "common.grm").write_text("$x = a | b\nslot genre = pop\n", encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": f"play {g}", "intent": "Play", "slots": []}) + "\n"
            for g in ("pop", "rock", "jazz")
        ),
        encoding="utf-8",
    )
    far = tmp_path / "g.far"
    gf.load(src).write_far(far)
    (tmp_path / "link.grm").symlink_to(src)
    names = {"src": src, "common": tmp_path / "common.grm", "far": far, "data": data}
    names["link"] = tmp_path / "link.grm"
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    status, _, err = run(capsys, *(a.format(**names) for a in argv))
    assert status == 2 and "is also an input" in err
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_compile_rewrites_an_archive_in_place_with_a_new_catalogue(capsys, tmp_path):
    far = tmp_path / "toy.far"
    gf.load(TOY).write_far(far)
    values = tmp_path / "genres.txt"
    values.write_text("jazz\nblues\nfolk\n", encoding="utf-8")
    assert run(capsys, "compile", far, "--catalogue", f"genre={values}")[0] == 0
    assert gf.load(far).count() == gf.load(TOY, {"genre": values}).count()


@pytest.mark.parametrize("suffix, include", [("chatette", "|{}"), ("chatito", "import {}")])
@pytest.mark.parametrize("written, said", [
    ("../secret.txt", "is outside the folder of"),
    ("/etc/passwd", "is outside the folder of"),
    ("link.txt", "leads through a link outside the folder of"),
    ("nothing.txt", "is not found"),
    ("sub", "is a folder, not a file"),
])  # fmt: skip
def test_a_template_includes_files_of_its_own_folder_tree_only(
    capsys, project, suffix, include, written, said
):
    (project / "link.txt").symlink_to(project.parent / "secret.txt")
    (project / "sub").mkdir()
    template = grammar(project, include.format(written) + "\n%[a]\n    hi\n", f"t.{suffix}")
    status, out, err = run(capsys, "import", template)
    assert (status, out) == (2, "") and SECRET not in err
    assert err.startswith(f"grammar-fst: error: {template}:1:") and said in err
    assert f"the included file '{written}'" in err
