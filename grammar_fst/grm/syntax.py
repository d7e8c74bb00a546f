"""The `.grm` text language: text to AST (with file:line:col errors) and AST back to text.

Layout rule: a statement starts at column 1 of a line (`$name =`, `intent`, `slot`,
`import`); indented lines continue it. `#` starts a comment; comment lines directly above
a statement are kept as its documentation. The full language is in
docs/grammar-language.md.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from ..errors import GrammarError, Location, UsageError
from ..text import tokens
from ..text.scripts import gap, unspaced
from ..text.segmentation import MissingSegmenter
from ..text.tokens import normalize
from . import ast as g

SPECIAL = set('#$(){}[]|?<>"=*+;\\')
KEYWORDS = ("intent", "slot", "import", "language")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def name_char(ch: str) -> bool:
    """Letters, combining marks (Devanagari vowel signs), digits and '_' make names."""
    return ch == "_" or unicodedata.category(ch)[0] in "LMN"


def is_name(text: str) -> bool:
    """Whether `text` is a bare name (of a rule, slot or intent): a letter, then name chars."""
    return bool(text) and unicodedata.category(text[0])[0] == "L" and all(map(name_char, text))


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a quoted intent or slot name, or None. A quoted name holds any
    text the data's labels do (`alarm/set_alarm`, `B-PER`, `a b`), but no control
    character and no space at either end, which no output format could carry."""
    if not name.strip():
        return "a quoted name holds at least one character that is not a space"
    if name != name.strip():
        return "a name cannot start or end with a space; write it without"
    bad = control_character(name)
    if bad is not None:
        return f"a name cannot hold a control character (here U+{ord(bad):04X})"
    return None


def control_character(text: str) -> str | None:
    """The first control character of `text` (a NUL, an escape, a line separator), which
    no name or imported word holds, or None."""
    return next((c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)


def label(name: str, loc: Location | None = None) -> str:
    """`name` as an intent or slot name: in NFC, like every name; a GrammarError at `loc`
    if no grammar can hold it (see `name_problem`)."""
    problem = name_problem(name)
    if problem:
        raise GrammarError(problem, loc)
    return normalize(name)


@functools.lru_cache(maxsize=4096)
def written_name(name: str) -> str:
    """`name` as the grammar writes it: bare when it can be, else quoted (kept: a
    resampled record's pattern writes the same few names thousands of times)."""
    return name if is_name(name) else _quote(name)


REPEAT = re.compile(r"\s*(\d+)\s*(?:,\s*(\d+)\s*)?\Z")
MAX_REPEAT = 100
MAX_NESTING = 100  # groups inside groups; deeper would exhaust Python's recursion limit


@dataclass(frozen=True)
class Token:
    kind: str  # word string rule slot repeat weight ( ) [ ] | ? = => comment
    text: str
    loc: Location
    starts_line: bool  # first token of its line, at column 1


def tokenize(text: str, path: str) -> list[Token]:
    """Split `.grm` source into tokens; lexical errors carry their location."""
    tokens: list[Token] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        _tokenize_line(line.rstrip("\r"), path, lineno, tokens)
    return tokens


GLUABLE = ("word", "string", "rule", "slot")


def _tokenize_line(line: str, path: str, lineno: int, out: list[Token]) -> None:
    i, previous_end = 0, -1  # previous_end: index just after the line's previous token
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        loc = Location(path, lineno, i + 1)
        if line[i] == "#":
            out.append(Token("comment", line[i + 1 :].rstrip(), loc, i == 0))
            return
        # words of a script written without spaces may touch a slot or rule
        glued = i == previous_end and out[-1].kind in GLUABLE and not unspaced(line[i - 1 : i + 1])
        i = _token(line, i, loc, out)
        if not (out and out[-1].loc is loc):
            continue  # a word of invisible characters only, which is no token
        previous_end = i
        if out[-1].kind == "word" and out[-1].text in KEYWORDS:
            _hidden_indent(line, out[-1], path, lineno)
        if glued and out[-1].kind in GLUABLE:
            raise GrammarError(_glued(out[-2], out[-1]), loc)


def _hidden_indent(line: str, first: Token, path: str, lineno: int) -> None:
    """A keyword that starts its line after white space other than spaces and tabs (an
    ideographic space, a no-break space): the error names what cannot be seen."""
    if first.loc.col - 1 != len(line) - len(line.lstrip()):
        return  # not the line's first token
    odd = next((c for c in line[: first.loc.col - 1] if c not in " \t"), None)
    if odd is not None:
        name = unicodedata.name(odd, "a white space character")
        raise GrammarError(
            f"the line starts with U+{ord(odd):04X} {name}, so '{first.text}' starts no "
            "statement (a statement starts at column 1); remove it",
            Location(path, lineno, 1),
        )


def _glued(left: Token, right: Token) -> str:
    """The message for two pieces written together that the grammar cannot take so."""
    if {left.kind, right.kind} <= {"slot", "rule"}:
        pair = f"{_written(left)} {_written(right)}"
        return (
            f"'{_written(right)}' is glued to '{_written(left)}': write a space between them "
            f"({pair}); it is the grammar's space, not the sentences': their words are joined "
            "as their scripts write them (none between two Japanese or Thai words)"
        )
    return (
        f"'{right.text}' is glued to '{left.text}'; grammars work on whole "
        "words: separate them with a space, or quote the whole word"
    )


def _written(token: Token) -> str:
    return {"slot": f"{{{token.text}}}", "rule": f"${token.text}"}.get(token.kind, token.text)


def _token(line: str, i: int, loc: Location, out: list[Token]) -> int:
    """Lex the token starting at `line[i]` into `out`; return the index after it."""
    ch, at_start = line[i], i == 0
    if ch == '"':
        return _string(line, i, loc, out, at_start)
    if ch == "{" and line[i + 1 :].lstrip().startswith('"'):
        return _quoted_slot(line, i, loc, out, at_start)
    if ch in "{<":
        close = "}" if ch == "{" else ">"
        end = line.find(close, i + 1)
        if end < 0:
            raise GrammarError(f"'{ch}' is never closed on this line; add '{close}'", loc)
        body = normalize(line[i + 1 : end].strip())
        kind = "weight" if ch == "<" else ("slot" if is_name(body) else "repeat")
        out.append(Token(kind, body, loc, at_start))
        return end + 1
    if ch == "$":
        end = i + 1
        while end < len(line) and name_char(line[end]):
            end += 1
        name = normalize(line[i + 1 : end])
        if not is_name(name):
            raise GrammarError(
                "'$' must be followed by a rule name (a letter, then letters, digits or _)", loc
            )
        out.append(Token("rule", name, loc, at_start))
        return end
    if ch in "*+":
        raise GrammarError(
            f"unbounded repetition '{ch}' is not supported (grammars stay finite); "
            "use a bounded one such as {0,3}",
            loc,
        )
    if line.startswith("=>", i):
        out.append(Token("=>", "=>", loc, at_start))
        return i + 2
    if ch in "}>":
        raise GrammarError(f"'{ch}' without an opening bracket", loc)
    if ch in ";\\":
        raise GrammarError(f"'{ch}' is not part of the language; quote it: \"{ch}\"", loc)
    if ch in "()[]|?=":
        out.append(Token(ch, ch, loc, at_start))
        return i + 1
    end = i
    while (
        end < len(line)
        and not line[end].isspace()
        and (line[end] == "#" or line[end] not in SPECIAL)
    ):
        end += 1
    word = normalize(line[i:end])
    if word:  # not invisible characters alone (`tokens.INVISIBLE`)
        out.append(Token("word", word, loc, at_start))
    return end


def _quoted_slot(line: str, i: int, loc: Location, out: list[Token], at_start: bool) -> int:
    """Lex `{"alarm/time"}`, a slot use with a quoted name; return the index after it."""
    start = len(line) - len(line[i + 1 :].lstrip())
    name: list[Token] = []
    end = _string(line, start, Location(loc.file, loc.line, start + 1), name, at_start)
    while end < len(line) and line[end].isspace():
        end += 1
    if end >= len(line) or line[end] != "}":
        raise GrammarError("'{' is never closed after the quoted slot name; add '}'", loc)
    out.append(Token("slot", label(name[0].text, name[0].loc), loc, at_start))
    return end + 1


def _string(line: str, i: int, loc: Location, out: list[Token], at_start: bool) -> int:
    """Lex a double-quoted string starting at `line[i]`; return the index after it."""
    chars = []
    j = i + 1
    while j < len(line):
        ch = line[j]
        if ch == "\\" and j + 1 < len(line) and line[j + 1] in '"\\':
            chars.append(line[j + 1])
            j += 2
            continue
        if ch == '"':
            out.append(Token("string", "".join(chars), loc, at_start))
            return j + 1
        chars.append(ch)
        j += 1
    raise GrammarError("string is never closed on this line; add '\"'", loc)


class _Parser:
    """Recursive descent over the token list of one file."""

    def __init__(self, tokens: list[Token], path: str):
        self.path = path
        self.tokens = tokens
        self.pos = 0
        self.depth = 0  # groups open around the current token
        self.comment_lines: list[tuple[int, str]] = []

    # -- token access ---------------------------------------------------------------
    def peek(self) -> Token | None:
        while self.pos < len(self.tokens) and self.tokens[self.pos].kind == "comment":
            tok = self.tokens[self.pos]
            if tok.starts_line:
                text = tok.text[1:] if tok.text.startswith(" ") else tok.text
                self.comment_lines.append((tok.loc.line, text))
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at_statement_end(self) -> bool:
        tok = self.peek()
        return tok is None or tok.starts_line

    def take(self) -> Token:
        tok = self.peek()
        assert tok is not None
        self.pos += 1
        return tok

    def end_loc(self) -> Location:
        last = self.tokens[-1].loc if self.tokens else Location(self.path, 1, 1)
        return Location(self.path, last.line, last.col + 1)

    def where(self) -> Location:
        tok = self.peek()
        return tok.loc if tok else self.end_loc()

    def describe(self) -> str:
        tok = self.peek()
        if tok is None:
            return "the end of the file"
        if tok.starts_line:
            return f"the start of a new statement ('{_written(tok)}' at column 1)"
        return f"'{_written(tok)}'"

    # -- statements -----------------------------------------------------------------
    def grammar(self) -> g.Grammar:
        statements, language = [], None
        while (tok := self.peek()) is not None:
            if tok.starts_line and tok.kind == "word" and tok.text == "language":
                if language is not None:
                    raise GrammarError(
                        f"a second language declaration (the first is at {language.loc})",
                        tok.loc,
                    )
                language = self.language()
                continue
            statements.append(self.statement())
        return g.Grammar(tuple(statements), path=self.path, language=language)

    def language(self) -> g.Language:
        """`language th`: one BCP 47 tag (`th`, `ja`, `es-MX`, `zh-Hant`)."""
        tok = self.take()
        comment = self.doc_comment(tok.loc.line)
        code = self.peek()
        if code is None or code.starts_line or not LANGUAGE_TAG.fullmatch(code.text):
            raise GrammarError(
                "language needs a language tag such as th, ja, zh-Hans or es-MX", self.where()
            )
        self.take()
        self.finish_statement()
        return g.Language(code.text, tok.loc, comment)

    def statement(self) -> g.Statement:
        tok = self.peek()
        assert tok is not None, "grammar() stops at the end of the tokens"
        comment = self.doc_comment(tok.loc.line)
        if not tok.starts_line:
            raise GrammarError(
                f"unexpected {self.describe()}; a statement ends where the next line starts "
                "at column 1 (indent continuation lines)",
                tok.loc,
            )
        self.take()
        if tok.kind == "rule":
            self.expect("=", f"after '${tok.text}'")
            return g.Rule(tok.text, self.body(), tok.loc, comment)
        if tok.kind == "word" and tok.text in ("intent", "slot"):
            name = self.name(f"after '{tok.text}'")
            if tok.text == "slot" and self.next_is("word", "from"):
                return g.Slot(name, self.catalogue(), tok.loc, comment)
            self.expect("=", f"after '{tok.text} {name}'")
            node = g.Intent if tok.text == "intent" else g.Slot
            return node(name, self.body(), tok.loc, comment)
        if tok.kind == "word" and tok.text == "import":
            path_tok = self.peek()
            if path_tok is None or path_tok.kind != "string" or path_tok.starts_line:
                raise GrammarError(
                    'import needs a quoted file name: import "common.grm"', self.where()
                )
            self.take()
            self.finish_statement()
            return g.Import(path_tok.text, tok.loc, comment)
        raise GrammarError(
            "a statement starts with '$name =', 'intent', 'slot', 'import' or 'language', not "
            f"'{tok.text}'; "
            "indent the line if it continues the statement above",
            tok.loc,
        )

    def doc_comment(self, line: int) -> str | None:
        """The comment lines directly above `line` (no blank line between), if any."""
        kept: list[str] = []
        for comment_line, text in reversed(self.comment_lines):
            if comment_line != line - 1 - len(kept):
                break
            kept.append(text)
        self.comment_lines = []
        return "\n".join(reversed(kept)) if kept else None

    def next_is(self, kind: str, text: str) -> bool:
        tok = self.peek()
        return tok is not None and not tok.starts_line and tok.kind == kind and tok.text == text

    def catalogue(self) -> g.CatalogueRef:
        """`from "file"` after a slot name: the slot's values come from a catalogue."""
        self.take()  # `from`
        path = self.peek()
        if path is None or path.starts_line or path.kind != "string":
            raise GrammarError(
                'a catalogue slot needs a quoted file name: slot city from "cities.txt"',
                self.where(),
            )
        self.take()
        self.finish_statement()
        return g.CatalogueRef(path.text, path.loc)  # errors point at the file name

    def name(self, context: str) -> str:
        """An intent's or slot's name: bare (`GetWeather`) or quoted (`"weather/find"`)."""
        tok = self.peek()
        if tok is not None and not tok.starts_line and tok.kind == "string":
            return label(self.take().text, tok.loc)
        if tok is None or tok.starts_line or tok.kind != "word" or not is_name(tok.text):
            raise GrammarError(
                f"expected a name {context}, found {self.describe()}; a name that is not "
                'letters, digits and _ is quoted: intent "weather/find"',
                self.where(),
            )
        return self.take().text

    def expect(self, kind: str, context: str) -> Token:
        tok = self.peek()
        if tok is None or tok.starts_line or tok.kind != kind:
            raise GrammarError(
                f"expected '{kind}' {context}, found {self.describe()}", self.where()
            )
        return self.take()

    def finish_statement(self) -> None:
        if not self.at_statement_end():
            raise GrammarError(f"unexpected {self.describe()}", self.where())

    def body(self) -> g.Expr:
        expr = self.alternation(closer=None)
        self.finish_statement()
        return expr

    # -- expressions ----------------------------------------------------------------
    def alternation(self, closer: str | None) -> g.Expr:
        loc = self.where()
        options = [self.option(closer)]
        while (tok := self.peek()) is not None and not tok.starts_line and tok.kind == "|":
            self.take()
            options.append(self.option(closer))
        if len(options) == 1 and options[0].weight is None:
            return options[0].expr
        if len(options) == 1:
            raise GrammarError("a weight needs alternatives to weigh against: a <2> | b", loc)
        return g.Alternation(tuple(options), loc)

    def option(self, closer: str | None) -> g.Option:
        loc = self.where()
        items: list[g.Expr] = []
        while (tok := self.peek()) is not None and not tok.starts_line:
            if tok.kind in ("|", ")", "]", "weight", "=>"):
                break
            item = self.item()
            if isinstance(item, g.Sequence) and tok.kind in ("word", "string"):
                items += item.items  # the words of one written phrase
            else:
                items.append(item)
        if not items:
            what = self.describe()
            raise GrammarError(f"empty alternative before {what}; write at least one word", loc)
        expr = items[0] if len(items) == 1 else g.Sequence(tuple(items), loc)
        if self.next_is("=>", "=>"):
            arrow = self.take()
            expr = g.Synonym(expr, self.canonical(arrow), arrow.loc)
        weight = None
        tok = self.peek()
        if tok is not None and not tok.starts_line and tok.kind == "weight":
            weight = _weight(self.take())
            nxt = self.peek()
            if nxt is not None and not nxt.starts_line and nxt.kind not in ("|", ")", "]"):
                raise GrammarError(
                    "a weight closes its alternative; put it before '|' or ')'", nxt.loc
                )
        return g.Option(expr, weight)

    def canonical(self, arrow: Token) -> tuple[str, ...]:
        """The canonical value after `=>`: plain words or quoted strings."""
        words: list[str] = []
        while (tok := self.peek()) is not None and not tok.starts_line:
            if tok.kind in ("|", ")", "]", "weight"):
                break
            if tok.kind not in ("word", "string"):
                raise GrammarError(
                    f"a synonym's canonical value is plain words, not '{tok.text}'; "
                    'quote it: => "living room"',
                    tok.loc,
                )
            _refuse_control_character(tok)
            words += normalize(self.take().text).split()
        if not words:
            raise GrammarError(
                "'=>' needs the canonical value after it: lounge => \"living room\"", arrow.loc
            )
        return tuple(words)

    def item(self) -> g.Expr:
        expr = self.atom()
        tok = self.peek()
        if tok is not None and not tok.starts_line and tok.kind in ("?", "repeat"):
            self.take()
            if tok.kind == "?":
                return g.OptionalPart(expr, tok.loc, self.presence(tok))
            low, high = _bounds(tok)
            return g.Repeat(expr, low, high, tok.loc)
        return expr

    def presence(self, marker: Token) -> float | None:
        """A probability glued to `?` or `]` (`x?<0.3>`): how often the part is present."""
        tok = self.peek()
        glued = Location(marker.loc.file, marker.loc.line, marker.loc.col + 1)
        if tok is None or tok.kind != "weight" or tok.loc != glued:
            return None
        self.take()
        value = _weight(tok)
        if not 0 < value < 1:
            raise GrammarError(
                f"bad probability <{tok.text}> for an optional part: a number strictly "
                "between 0 and 1, such as ?<0.3>",
                tok.loc,
            )
        return value

    def atom(self) -> g.Expr:
        tok = self.take()
        if tok.kind == "word":
            return _words(tok, tok.text)
        if tok.kind == "string":
            return _quoted(tok)
        if tok.kind == "rule":
            if (nxt := self.peek()) is not None and not nxt.starts_line and nxt.kind == "=":
                raise GrammarError(
                    f"'${tok.text} =' defines a rule and must start a line at column 1", tok.loc
                )
            return g.RuleRef(tok.text, tok.loc)
        if tok.kind == "slot":
            return g.SlotRef(tok.text, tok.loc)
        if tok.kind in ("(", "["):
            closer = ")" if tok.kind == "(" else "]"
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise GrammarError(
                    f"groups nest more than {MAX_NESTING} deep; define an inner group as a "
                    "rule ($name = ...) and use the rule there",
                    tok.loc,
                )
            inner = self.alternation(closer)
            self.depth -= 1
            end = self.peek()
            if end is None or end.starts_line or end.kind != closer:
                raise GrammarError(
                    f"'{tok.kind}' is never closed: expected '{closer}' before {self.describe()}",
                    tok.loc,
                )
            end = self.take()
            return g.OptionalPart(inner, tok.loc, self.presence(end)) if closer == "]" else inner
        if tok.kind == "repeat":
            raise _not_a_count(tok)
        if tok.kind == "?":
            raise GrammarError("'?' must follow the word or group it makes optional", tok.loc)
        if tok.kind == "=":
            raise GrammarError("unexpected '='; quote it if it is a word: \"=\"", tok.loc)
        raise GrammarError(f"unexpected '{tok.text}'", tok.loc)


def _weight(tok: Token) -> float:
    try:
        value = float(tok.text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise GrammarError(
            f"bad weight <{tok.text}>: a weight is a non-negative number such as <2> or <0.5>",
            tok.loc,
        )
    return value


def _not_a_count(tok: Token) -> GrammarError:
    """`{...}` that holds neither a bare slot name nor a repetition count."""
    return GrammarError(
        f"'{{{tok.text}}}' is neither a slot name nor a repetition count like {{1,3}}; "
        f"quote a slot name that is not letters, digits and _: {{{_quote(tok.text)}}}",
        tok.loc,
    )


def _bounds(tok: Token) -> tuple[int, int]:
    m = REPEAT.match(tok.text)
    if not m and any(c.isalpha() for c in tok.text):
        raise _not_a_count(tok)
    if not m:
        raise GrammarError(
            f"bad repetition {{{tok.text}}}: write {{n}} or {{min,max}} with whole numbers",
            tok.loc,
        )
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) is not None else low
    if high < low or high == 0 or high > MAX_REPEAT:
        raise GrammarError(
            f"bad repetition {{{tok.text}}}: need min <= max, max >= 1 and max <= {MAX_REPEAT}",
            tok.loc,
        )
    return low, high


def _quoted(tok: Token) -> g.Expr:
    if not tok.text.strip():
        raise GrammarError('empty string ""; a quoted string holds at least one word', tok.loc)
    return _words(tok, tok.text)


def _refuse_control_character(tok: Token) -> None:
    """A word or string holding a control character (a NUL, an escape) would be written
    into every sentence and record that says it, where no one sees it: an error at the
    character, as in a name (`name_problem`); white space of any kind parts words."""
    bad = tokens.control(tok.text)
    if bad is not None:
        quote = 1 if tok.kind == "string" else 0
        at = Location(tok.loc.file, tok.loc.line, tok.loc.col + quote + bad.start())
        raise GrammarError(
            f"a word cannot hold a control character (here U+{ord(bad.group()):04X}); "
            "remove it",
            at,
        )


def _words(tok: Token, text: str) -> g.Expr:
    """The word or words of `text`, as `tokens.words` finds them: a Thai or Japanese phrase
    written without spaces becomes its words."""
    _refuse_control_character(tok)
    try:
        words = tokens.words(text)
    except MissingSegmenter as err:
        raise MissingSegmenter(err.message, tok.loc) from None
    if len(words) == 1:
        return g.Word(words[0], tok.loc)
    return g.Sequence(tuple(g.Word(w, tok.loc) for w in words), tok.loc)


def parse(text: str, path: str = "<string>") -> g.Grammar:
    """Parse `.grm` source text into a Grammar; imports are not followed here."""
    if not isinstance(text, str):  # bytes read from a file: TypeErrors inside say little
        hint = "; decode it first" if isinstance(text, (bytes, bytearray)) else ""
        raise UsageError(
            f"the source must be a str, not {type(text).__name__}{hint}", Location(path)
        )
    at = tokens.surrogate(text)
    if at >= 0:
        raise GrammarError(_not_a_character(text[at]), Location.of(path, text, at))
    lone = _LONE_CR.search(text)
    if lone:
        raise GrammarError(
            "a carriage return without a line feed (old Mac line ends) is no line end here: "
            "save the file with \\n or \\r\\n line ends",
            Location.of(path, text, lone.start()),
        )
    return _Parser(tokenize(text, path), path).grammar()


_LONE_CR = re.compile("\r(?!\n)")


def _not_a_character(surrogate: str) -> str:
    return (
        f"U+{ord(surrogate):04X} is a lone surrogate, not a character (text made of bytes "
        "that are not UTF-8, or an escape such as \\udc80)"
    )


# -- formatting ------------------------------------------------------------------------

LINE_WIDTH = 88


def format_grammar(grammar: g.Grammar) -> str:
    """Render `grammar` as `.grm` text that parses back to an equal Grammar."""
    if not isinstance(grammar, g.Grammar):
        kind = type(grammar).__name__
        raise UsageError(f"format_grammar takes a Grammar (from parse), not {kind}")
    blocks = [format_statement(s) for s in grammar.statements]
    if grammar.language is not None:
        blocks.insert(0, _format_language(grammar.language))
    return "\n".join(blocks) + ("\n" if blocks else "")


def _comment_lines(comment: str | None) -> list[str]:
    return [] if comment is None else [f"# {c}" if c else "#" for c in comment.split("\n")]


def _format_language(language: g.Language) -> str:
    return "\n".join(_comment_lines(language.comment) + [f"language {language.code}"])


def format_statement(statement: g.Statement) -> str:
    """One statement with its comment lines, wrapping long alternations one per line."""
    lines = _comment_lines(statement.comment)
    if isinstance(statement, g.Import):
        return "\n".join(lines + [f"import {_quote(statement.path)}"])
    name = statement.name if isinstance(statement, g.Rule) else written_name(statement.name)
    if isinstance(statement.body, g.CatalogueRef):
        return "\n".join(lines + [f"slot {name} from {_quote(statement.body.path)}"])
    head = {g.Rule: "${}", g.Intent: "intent {}", g.Slot: "slot {}"}[type(statement)]
    head = head.format(name) + " ="
    one_line = f"{head} {format_expr(statement.body)}"
    body = statement.body
    if len(one_line) <= LINE_WIDTH:
        return "\n".join(lines + [one_line])
    return "\n".join(lines + [head, *_wrapped(body, "    ")])


def _wrapped(expr: g.Expr, indent: str) -> list[str]:
    """`expr` on lines of at most LINE_WIDTH characters where it can be broken, each line
    indented (a continuation): a choice one option per line, a sequence filled line by
    line with its long groups opened up, `(` and `|` and `)` in one column."""
    text = indent + format_expr(expr)
    if len(text) <= LINE_WIDTH:
        return [text]
    if isinstance(expr, g.Alternation):
        return _options(expr, indent[:-2] + "| ", indent)
    if not isinstance(expr, g.Sequence):
        return _item(expr, indent) or [text]
    lines, line = [], indent
    for item in expr.items:
        piece = _operand(item, POSTFIX)
        if len(line) + len(piece) + 1 <= LINE_WIDTH or line == indent:
            if len(indent + piece) <= LINE_WIDTH or not (opened := _item(item, indent)):
                line += (" " if line != indent else "") + piece
                continue
        else:
            opened = None if len(indent + piece) <= LINE_WIDTH else _item(item, indent)
        if line != indent:
            lines.append(line)
        if opened:
            lines += opened
            line = indent
        else:
            line = indent + piece
    return lines + ([line] if line != indent else [])


def _options(choice: g.Alternation, bar: str, indent: str) -> list[str]:
    """The options of `choice`, the first at `indent`, the others after `bar`."""
    lines = []
    for k, option in enumerate(choice.options):
        weight = "" if option.weight is None else f" <{_number(option.weight)}>"
        inner = (
            g.Sequence((option.expr,)) if isinstance(option.expr, g.Alternation) else option.expr
        )
        wrapped = _wrapped(inner, indent + "  ")
        wrapped[0] = (bar if k else indent) + wrapped[0].lstrip()
        wrapped[-1] += weight
        lines += wrapped
    return lines


def _item(expr: g.Expr, indent: str) -> list[str] | None:
    """A group of a sequence opened over several lines, `(` first, `)` last; None for an
    item that cannot be broken."""
    close = ")"
    if isinstance(expr, g.OptionalPart) and isinstance(expr.expr, (g.Sequence, g.Alternation)):
        presence = "" if expr.probability is None else f"<{_number(expr.probability)}>"
        opening, close, expr = "[", "]" + presence, expr.expr
    elif isinstance(expr, g.Alternation):
        opening = "("
    else:
        return None
    inner = expr if isinstance(expr, g.Alternation) else g.Alternation((g.Option(expr),))
    lines = _options(inner, indent + "| ", indent + "  ")
    lines[0] = indent + opening + " " + lines[0].lstrip()
    return [*lines, indent + close]


# how loosely a formatted expression binds, tightest first: an operand needs parentheses
# where it binds more loosely than its place allows
ATOM, POSTFIX, SEQUENCE, SYNONYM, CHOICE = range(5)


def format_expr(expr: g.Expr) -> str:
    """Render an expression at top level (no enclosing parentheses needed)."""
    return _formatted(expr)[0]


def _formatted(expr: g.Expr) -> tuple[str, int]:
    """The text of `expr` and how loosely it binds (ATOM ... CHOICE)."""
    match expr:
        case g.Word(text=text):
            return _format_word(text), ATOM
        case g.RuleRef(name=name):
            return f"${name}", ATOM
        case g.SlotRef(name=name):
            return f"{{{written_name(name)}}}", ATOM
        case g.OptionalPart(expr=inner, probability=probability):
            presence = "" if probability is None else f"<{_number(probability)}>"
            text, binding = _formatted(inner)
            if binding >= SEQUENCE:
                return f"[{text}]{presence}", POSTFIX
            return f"{_grouped(text, binding, ATOM)}?{presence}", POSTFIX
        case g.Repeat(expr=inner, low=low, high=high):
            count = f"{low}" if low == high else f"{low},{high}"
            return f"{_operand(inner, ATOM)}{{{count}}}", POSTFIX
        case g.Sequence(items=items):
            return _sequence(items), SEQUENCE
        case g.Synonym(expr=inner, canonical=canonical):
            return f"{_operand(inner, SEQUENCE)} => {_quote(' '.join(canonical))}", SYNONYM
        case g.Alternation(options=options):
            return " | ".join(_format_option(o) for o in options), CHOICE
        case g.CatalogueRef():  # format_statement writes a slot's `from "file"`
            raise ValueError("a catalogue can only be the whole value of a slot")
        case _:
            g.assert_never(expr)


def _sequence(items: tuple[g.Expr, ...]) -> str:
    """Items one space apart, but for words written together as their script writes them
    (Thai, Japanese: `ตั้งนาฬิกาปลุก{time}`), where reading the text back finds the same
    words: the grammar reads as its speakers write, and parses to the same tree."""
    text, run = _operand(items[0], POSTFIX), _words_of(items[0])
    for left, right in zip(items, items[1:]):
        joined = _joined(left, right, run)
        text += ("" if joined else " ") + _operand(right, POSTFIX)
        word = _words_of(right)
        run = [*run, *word] if joined and run and word else word
    return text


def _words_of(expr: g.Expr) -> list[str]:
    """A bare word as the start of a run of words written together, else none."""
    return [expr.text] if isinstance(expr, g.Word) and _format_word(expr.text) == expr.text else []


def _joined(left: g.Expr, right: g.Expr, run: list[str]) -> bool:
    """Whether `right` is written against `left`: two words, one of a script written
    without spaces, that the spelling puts no space between, where the run read back is
    the same words; a slot against a word of such a script on either side, a rule after
    one (a rule's name would take a word after it in)."""
    word = _words_of(right)
    if run and word:
        together = [*run, *word]
        return (
            (unspaced(run[-1][-1]) or unspaced(word[0][0]))
            and not gap(run[-1], word[0])
            and tokens.words("".join(together)) == together
        )
    if run and isinstance(right, (g.SlotRef, g.RuleRef)):
        return unspaced(run[-1][-1])
    if word and isinstance(left, g.SlotRef):
        return unspaced(word[0][0])
    return False


def _operand(expr: g.Expr, loosest: int) -> str:
    """Render `expr` where it may bind at most as loosely as `loosest`."""
    return _grouped(*_formatted(expr), loosest)


def _grouped(text: str, binding: int, loosest: int) -> str:
    return f"({text})" if binding > loosest else text


def _format_option(option: g.Option) -> str:
    text = _operand(option.expr, SYNONYM)
    return text if option.weight is None else f"{text} <{_number(option.weight)}>"


def _format_word(word: str) -> str:
    bare = not any(ch in SPECIAL or ch.isspace() for ch in word)
    return word if bare and word else _quote(word)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
