"""Masking of names in what entrants wrote (blind judging, RULES.md §4).

Every known name of an entry — its authors, its mentor, its units (the entry's unit, the
authors' organisations, the mentor's unit) and its area with the areas above it (a province is
left out: every entry of a provincial contest shares it, so it identifies no one) — is found in
free text and replaced by a neutral placeholder before a judge sees it.

Matching works on words (runs of letters and digits; an upper-case letter after a lower-case
one starts a new word, so "NguyenThiKin" is three words) and never on part of a word.

* Case is ignored, and so are missing diacritics: a written word matches a name word when their
  letters are the same and every mark written is one the name has ("Nguyen", "Nguyên" and
  "NGUYỄN" match "Nguyễn"; "tán thành" does not match "Tân Thành"; the tone mark may sit on
  either vowel: "Thuỷ" is "Thủy"). đ counts as d with a mark.
* A person of several words is found as the full name, the family name followed by the given
  name with fewer middle names ("Nguyễn Kín", "Hoàng Tác Giả" for "Hoàng Thị Tác Giả"), the
  given name followed by the family name ("Kín Nguyễn"), the full name run together
  ("nguyenthikin", 6 letters or more), and with any of the words before the given name as
  initials ("N.T. Kín", "Nguyễn T. Kín", "N. T. Kín", "NT Kín"). An initial is followed by a
  dot or written in upper case. A one-word name is masked as it is.
* The given name alone, or a middle and given name ("Văn Hóa"), is not masked: those are
  ordinary words ("kín", "văn hóa", "Bình" in "Bình Định") and masking them would destroy
  normal text — except a capitalised given name right after a form of address ("em Kín",
  "bạn Pằng", "thầy Tuệ"). Other capitalised given names alone are only shown to organizers
  (:func:`hints`), who may write the version judges read.
* A unit or area is found with, without or with other type prefixes ("Trường THPT Chiêm Hóa",
  "THPT Chiêm Hóa", "trường Chiêm Hóa", "Chiêm Hóa"; "xã Yên Phú", "Yên Phú"; "huyện Chiêm
  Hóa"). A core of one word ("Phường 1", "Công ty Viettel") is masked only after a prefix.
  Unit names written with a comma ("Trường THCS Yên Phú, Hàm Yên") give one name per part.

Offsets of matches are in the original text (whatever its Unicode composition), so masking and
highlighting keep every other character as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape

PLACEHOLDER = "[đã ẩn]"
KINDS = ("author", "mentor", "unit", "area")
MIN_SQUASHED = 6  # a full name run together must be this long to count
GAP_CHARS = frozenset(" \t\r\n\u00a0\u2009\u202f._-")

# Titles and forms of address written before a person's name ("PGS.TS.", "thầy", "cô").
PERSON_TITLE_RE = re.compile(
    r"^(?:(?:gs|pgs|ts|tskh|ths|ks|bs|cn|ds|ls|kts|nnut|nnnd|nghệ nhân|thầy|cô|ông|bà|"
    r"anh|chị|em)\.?\s+|(?:gs|pgs|ts|tskh|ths|ks|bs|cn|ds|ls|kts)\.\s*)+",
    re.IGNORECASE,
)
# Forms of address before a given name ("em Kín", "bạn Pằng", "thầy Tuệ"): a capitalised given
# name right after one of them is masked although given names alone are not.
_ADDRESS_TEXT = "em bạn anh chị cô thầy ông bà cháu con bác chú dì cậu mợ"


# Type prefixes of units and areas. A unit or area name is its core after these; the core is
# found with any number of them in front (compared like name words: "so" is "sở" or "số").
_PREFIX_TEXT = """
trường|THPT|THCS|TH|tiểu học|trung học|trung học phổ thông|trung học cơ sở|phổ thông|PTTH|PTCS|
PT|THCS và THPT|TH và THCS|liên cấp|PTDTNT|PTDTBT|DTNT|DTBT|phổ thông dân tộc nội trú|
phổ thông dân tộc bán trú|dân tộc nội trú|dân tộc bán trú|chuyên|mầm non|MN|mẫu giáo|đại học|
ĐH|cao đẳng|CĐ|trung cấp|học viện|GDTX|trung tâm|TTGDTX|GDNN|nhà thiếu nhi|
công ty|cty|TNHH|cổ phần|CP|MTV|HTX|hợp tác xã|doanh nghiệp|DNTN|xí nghiệp|nhà máy|UBND|
ủy ban nhân dân|uỷ ban nhân dân|sở|phòng|giáo dục và đào tạo|GD ĐT|GDĐT|viện|bệnh viện|chi cục|
trạm|đoàn|hội|
tỉnh|thành phố|TP|huyện|quận|thị xã|TX|thị trấn|TT|xã|phường|thôn|bản|ấp|tổ
"""
PLACE_PREFIXES = sorted(
    {" ".join(p.split()) for p in _PREFIX_TEXT.replace("\n", "").split("|")} - {""},
    key=lambda p: (-len(p.split()), p),
)


# -- words ---------------------------------------------------------------------------------


def _letters(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """``text`` as (base letter, marks) pairs, lower-case (đ → d with a stroke mark)."""
    out: list[tuple[str, set[str]]] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(ch):
            if out:
                out[-1][1].add(ch)
        elif ch == "đ":
            out.append(("d", {"đ"}))
        else:
            out.append((ch, set()))
    return tuple((b, frozenset(m)) for b, m in out)


def fold(text: str | None) -> str:
    """``text`` lower-case, without diacritics (đ → d)."""
    return "".join(b for b, _m in _letters(text or ""))


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    folded: str
    letters: tuple[tuple[str, frozenset[str]], ...]
    upper: bool  # first letter written in upper case


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() and ch != "_"


def _tokens(text: str) -> list[_Token]:
    """The words of ``text`` with their offsets in ``text``."""
    tokens: list[_Token] = []
    start: int | None = None
    prev_lower = False

    def close(end: int) -> None:
        assert start is not None  # only a begun word is closed
        word = text[start:end]
        letters = _letters(word)
        tokens.append(
            _Token(start, end, "".join(b for b, _m in letters), letters, word[:1].isupper())
        )

    for i, ch in enumerate(text):
        if _is_word_char(ch):
            if start is not None and prev_lower and ch.isupper():
                close(i)
                start = i
            elif start is None:
                start = i
            prev_lower = ch.islower()
        elif unicodedata.combining(ch) and start is not None:
            continue
        else:
            if start is not None:
                close(i)
            start = None
            prev_lower = False
    if start is not None:
        close(len(text))
    return tokens


def _marks(letters: tuple[tuple[str, frozenset[str]], ...]) -> Counter[str]:
    return Counter(m for _b, marks in letters for m in marks)


def _compatible(written: _Token, name: _Word) -> bool:
    """Whether a written word is the name word, possibly without (some of) its marks. Marks
    are compared per word, not per letter: the tone mark may sit on either vowel ("Thủy" and
    "Thuỷ", "Hòa" and "Hoà" are the same name)."""
    if written.folded != name.folded:
        return False
    if not name.marked:
        return True
    return _marks(written.letters) <= _marks(name.letters)


# -- forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    folded: str
    letters: tuple[tuple[str, frozenset[str]], ...]
    initial_ok: bool = False

    @property
    def marked(self) -> bool:
        return any(m for _b, m in self.letters)


def _word(text: str, initial_ok: bool = False) -> _Word:
    letters = _letters(text)
    return _Word("".join(b for b, _m in letters), letters, initial_ok)


@dataclass(frozen=True)
class _Form:
    """A sequence of words that names someone; ``prefixes`` (min count) come first."""

    kind: str
    name: str
    words: tuple[_Word, ...]
    min_prefixes: int = -1  # -1: no prefixes; 0: optional; 1: at least one
    squashed: str = ""  # the whole form as one word ("nguyenthikin")


def _words_of(text: str) -> list[str]:
    return [text[t.start : t.end] for t in _tokens(text)]


def _person_forms(kind: str, name: str) -> list[_Form]:
    clean = " ".join(unicodedata.normalize("NFC", name).split())
    words = _words_of(PERSON_TITLE_RE.sub("", clean).strip(" ."))
    if len(words) < 2:  # "Cô Lan": the given name alone would mask the word "lan"
        words = _words_of(clean)
    if not words:
        return []
    if len(words) == 1:
        return [_Form(kind, name, (_word(words[0]),))]
    family, given = words[0], words[-1]
    sequences = [words] + [[family, *words[i:]] for i in range(2, len(words))]
    forms = [
        _Form(kind, name, tuple(_word(w, initial_ok=True) for w in seq[:-1]) + (_word(seq[-1]),))
        for seq in sequences
    ]
    forms.append(_Form(kind, name, (_word(given), _word(family))))
    squashed = fold("".join(words))
    if len(squashed) >= MIN_SQUASHED:
        forms.append(_Form(kind, name, (), squashed=squashed))
    return forms


def _prefix_words() -> list[tuple[_Word, ...]]:
    return [tuple(_word(w) for w in p.split()) for p in PLACE_PREFIXES]


_PREFIXES = _prefix_words()
ADDRESS_WORDS = {w.folded: w for w in map(_word, _ADDRESS_TEXT.split())}
_PREFIXES_BY_START: dict[str, list[tuple[_Word, ...]]] = {}
for _p in _PREFIXES:  # longest first, as in _PREFIXES
    _PREFIXES_BY_START.setdefault(_p[0].folded, []).append(_p)
_PREFIX_STARTS = set(_PREFIXES_BY_START)


def _prefixes_at(tokens: list[_Token], i: int) -> list[tuple[_Word, ...]]:
    """The type prefixes that may start at token ``i`` (longest first)."""
    return _PREFIXES_BY_START.get(tokens[i].folded, []) if i < len(tokens) else []


def _is_prefix(tokens: list[_Token], i: int, prefix: tuple[_Word, ...]) -> bool:
    seg = tokens[i : i + len(prefix)]
    return len(seg) == len(prefix) and all(
        _compatible(t, w) for t, w in zip(seg, prefix, strict=True)
    )


def _strip_prefixes(tokens: list[_Token]) -> int:
    """How many leading words of ``tokens`` are type prefixes (core kept non-empty)."""
    i = 0
    while i < len(tokens) - 1:
        for prefix in _prefixes_at(tokens, i):
            if _is_prefix(tokens, i, prefix) and i + len(prefix) < len(tokens):
                i += len(prefix)
                break
        else:
            break
    return i


# What people type as an "organisation" that names no unit: never masked on its own.
GENERIC_UNITS = frozenset(
    fold(t)
    for t in (
        "học sinh", "sinh viên", "giáo viên", "tự do", "nông dân", "hưu trí", "cá nhân",
        "không", "không có", "chưa có", "lao động tự do", "nội trợ", "kinh doanh", "công nhân",
        "cán bộ", "nhân viên", "kỹ sư", "bộ đội", "thợ", "lớp", "khác",
    )
)  # fmt: skip


def _place_forms(kind: str, name: str) -> list[_Form]:
    forms = []
    for part in re.split(r"[,;\n]|\s[-–]\s", unicodedata.normalize("NFC", name)):
        tokens = _tokens(part)
        if not tokens:
            continue
        core = [part[t.start : t.end] for t in tokens[_strip_prefixes(tokens) :]]
        if fold(" ".join(core)) in GENERIC_UNITS:
            continue
        min_prefixes = 0 if len(core) >= 2 else 1
        forms.append(_Form(kind, name, tuple(_word(w) for w in core), min_prefixes=min_prefixes))
    return forms


def _first_words(form: _Form) -> set[str]:
    """The folded words a match of ``form`` can start with (an index of forms)."""
    if form.squashed:
        return {form.squashed}
    starts = set() if form.min_prefixes > 0 else {form.words[0].folded}
    if form.min_prefixes >= 0:
        starts |= _PREFIX_STARTS
    elif form.words[0].initial_ok:
        initials = ""
        for word in form.words[:-1]:
            if not word.initial_ok:
                break
            initials += word.folded[0]
            starts.add(initials)
    return starts


# -- name sets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    kind: str  # "author" | "mentor" | "unit" | "area"
    text: str


@dataclass(frozen=True)
class NameSet:
    """The known names of an entry, ready for matching."""

    names: tuple[Name, ...] = ()
    _forms: tuple[_Form, ...] = field(default=(), repr=False, compare=False)
    _index: dict[str, tuple[_Form, ...]] = field(default_factory=dict, repr=False, compare=False)
    # given names of people of several words: not masked alone, hinted to organizers
    _given: dict[str, tuple[tuple[Name, _Word], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def of(cls, names: Iterable[tuple[str, str]]) -> NameSet:
        """A name set from (kind, name) pairs; blanks and repeats are dropped."""
        unique: list[Name] = []
        for kind, text in names:
            if kind not in KINDS:
                raise ValueError(kind)
            text = " ".join((text or "").split())
            if text and Name(kind, text) not in unique:
                unique.append(Name(kind, text))
        forms: list[_Form] = []
        for n in unique:
            built = (
                _person_forms(n.kind, n.text)
                if n.kind in ("author", "mentor")
                else _place_forms(n.kind, n.text)
            )
            forms += [f for f in built if f not in forms]
        index: dict[str, list[_Form]] = {}
        for form in forms:
            for word in _first_words(form):
                index.setdefault(word, []).append(form)
        given: dict[str, list[tuple[Name, _Word]]] = {}
        for form in forms:
            if form.kind in ("author", "mentor") and form.words and form.words[0].initial_ok:
                last = form.words[-1]
                name = Name(form.kind, form.name)
                if (name, last) not in given.get(last.folded, []):
                    given.setdefault(last.folded, []).append((name, last))
        return cls(
            tuple(unique),
            tuple(forms),
            {k: tuple(v) for k, v in index.items()},
            {k: tuple(v) for k, v in given.items()},
        )

    def __bool__(self) -> bool:
        return bool(self.names)

    def __or__(self, other: NameSet) -> NameSet:
        return NameSet.of([(n.kind, n.text) for n in (*self.names, *other.names)])


def _split_people(text: str) -> list[str]:
    return [p for p in re.split(r"[,;\n]|\s+và\s+", text or "") if p.strip()]


def names_for_entry(entry) -> NameSet:
    """Every known name of ``entry``: authors, mentor(s), units and areas (not the province;
    the area's and its district's former names too, when the tree changed since)."""
    pairs: list[tuple[str, str]] = []
    for author in entry.authors:
        pairs.append(("author", author.full_name))
    for mentor in _split_people(entry.mentor_name):
        pairs.append(("mentor", mentor))
    units = [entry.unit.name if entry.unit else "", entry.unit_name, entry.mentor_unit]
    units += [a.organisation for a in entry.authors]
    pairs += [("unit", u) for u in units if u]
    areas = []
    for start in (entry.area, entry.unit.area if entry.unit else None):
        area = start
        while area is not None:
            if area.level != "province":
                areas.append(area.name)
            area = area.parent
    # the typed name, and the names the area and its district had when the edition ran
    areas += [entry.area_name, entry.area_snapshot, entry.district_snapshot]
    pairs += [("area", a) for a in areas if a]
    return NameSet.of(pairs)


# -- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the original text
    end: int
    kind: str
    name: str


def _gap_ok(text: str, left: _Token, right: _Token, after_initial: bool) -> bool:
    gap = text[left.end : right.start]
    if any(c not in GAP_CHARS for c in gap) or sum(not c.isspace() for c in gap) > 2:
        return False
    # an initial is followed by a dot or written in upper case
    return not (after_initial and "." not in gap and not left.upper)


def _match_words(
    text: str, tokens: list[_Token], ti: int, words: tuple[_Word, ...], prev_initial: bool | None
) -> int | None:
    """The index after the last token when ``words`` match from token ``ti`` (longest)."""
    if not words:
        return ti
    if ti >= len(tokens):
        return None
    if prev_initial is not None and not _gap_ok(text, tokens[ti - 1], tokens[ti], prev_initial):
        return None
    tok, word = tokens[ti], words[0]
    if _compatible(tok, word):
        end = _match_words(text, tokens, ti + 1, words[1:], False)
        if end is not None:
            return end
    if word.initial_ok and tok.folded[:1] == word.folded[:1]:
        # one initial ("N."), or several run together ("NT") for as many initial-able words
        run = 0
        while run < len(words) - 1 and words[run].initial_ok:
            run += 1
            if tok.folded == "".join(w.folded[0] for w in words[:run]):
                end = _match_words(text, tokens, ti + 1, words[run:], True)
                if end is not None:
                    return end
    return None


def _match_prefixes(text: str, tokens: list[_Token], ti: int) -> list[int]:
    """Token indexes reachable by consuming type prefixes from ``ti`` (furthest first)."""
    reach = [ti]
    i = ti
    while True:
        for prefix in _prefixes_at(tokens, i):
            n = len(prefix)
            if _is_prefix(tokens, i, prefix) and all(
                _gap_ok(text, tokens[k], tokens[k + 1], False)
                for k in range(i, min(i + n, len(tokens) - 1))
            ):
                i += n
                reach.append(i)
                break
        else:
            return list(reversed(reach))


def _raw_matches(text: str, tokens: list[_Token], names: NameSet) -> list[Match]:
    found = []
    for ti, tok in enumerate(tokens):
        prefix_reach: list[int] | None = None
        for form in names._index.get(tok.folded, ()):
            if form.squashed:
                if tok.folded == form.squashed:
                    found.append(Match(tok.start, tok.end, form.kind, form.name))
                continue
            if form.min_prefixes < 0:
                end = _match_words(text, tokens, ti, form.words, None)
            else:
                if prefix_reach is None:
                    prefix_reach = _match_prefixes(text, tokens, ti)
                end = None
                for pi in prefix_reach:
                    if pi == ti and form.min_prefixes > 0:
                        continue
                    end = _match_words(text, tokens, pi, form.words, None)
                    if end is not None:
                        break
            if end is not None and end > ti:
                found.append(Match(tok.start, tokens[end - 1].end, form.kind, form.name))
        found += _addressed_given_name(text, tokens, ti, names)
    return found


def _addressed_given_name(text: str, tokens: list[_Token], ti: int, names: NameSet) -> list[Match]:
    """A capitalised given name right after a form of address ("em Kín", "thầy Tuệ")."""
    tok = tokens[ti]
    if ti == 0 or not tok.upper or tok.folded not in names._given:
        return []
    before = tokens[ti - 1]
    gap = text[before.end : tok.start]
    if not gap or not gap.isspace() or before.folded not in ADDRESS_WORDS:
        return []
    for name, word in names._given[tok.folded]:
        if _compatible(tok, word) and _compatible(before, ADDRESS_WORDS[before.folded]):
            return [Match(tok.start, tok.end, name.kind, name.text)]
    return []


def find(text: str, names: NameSet) -> list[Match]:
    """The names of ``names`` in ``text``, left to right, overlapping matches merged (the
    longest, leftmost match gives the kind and name)."""
    if not text or not names:
        return []
    raw = sorted(_raw_matches(text, _tokens(text), names), key=lambda m: (m.start, -m.end))
    merged: list[Match] = []
    for m in raw:
        if merged and m.start < merged[-1].end:
            last = merged[-1]
            if m.end > last.end:
                merged[-1] = Match(last.start, m.end, last.kind, last.name)
            continue
        merged.append(m)
    return merged


def mask(text: str, names: NameSet, placeholder: str = PLACEHOLDER) -> str:
    """``text`` with every name of ``names`` replaced by ``placeholder``."""
    if not text:
        return text or ""
    out, pos = [], 0
    for m in find(text, names):
        out += [text[pos : m.start], placeholder]
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def hints(text: str, names: NameSet) -> list[Match]:
    """Given names written alone and capitalised ("em Kín"): left to judges (the word is
    often an ordinary one), shown to organizers so that they can write the judge version."""
    if not text or not names:
        return []
    masked = find(text, names)
    out = []
    for tok in _tokens(text):
        for name, word in names._given.get(tok.folded, ()):
            if (
                tok.upper
                and _compatible(tok, word)
                and not any(m.start < tok.end and tok.start < m.end for m in masked)
            ):
                out.append(Match(tok.start, tok.end, name.kind, name.text))
                break
    return out


def highlight(text: str, names: NameSet, with_hints: bool = False) -> Markup:
    """``text`` escaped, every name judges will not see in ``<mark class="masked …">`` (for
    organizers); with ``with_hints``, given names written alone in ``<mark class="hint">``."""
    text = text or ""
    marks = [(m, "masked masked-" + m.kind) for m in find(text, names)]
    if with_hints:
        marks += [(m, "hint") for m in hints(text, names)]
    out, pos = [], 0
    for m, css in sorted(marks, key=lambda mc: mc[0].start):
        out += [
            escape(text[pos : m.start]),
            Markup('<mark class="{}">{}</mark>').format(css, text[m.start : m.end]),
        ]
        pos = m.end
    out.append(escape(text[pos:]))
    return Markup("").join(out)
