"""Data of the organizers' review page (RULES §5.6: they check the ranking and decide the
prizes), no Flask request inside.

For a round: its latest run, grouped per ranking group (field, or field × board, or the whole
edition), each row with the entry's title, score, rank, flags, proposed prize, the
organizers' decision and the effective prize, each judge's sheet total of the round (ONE
query over the round's submitted sheets), the spread (max − min), and an explanation in
Vietnamese built from the run's explanation JSON — lazily, only for the rows a page reads
(``ReviewRow``). A comparison with the previous run lists the entries whose rank, score,
prize or flags changed, before → after, and why (a sheet submitted or changed since the
previous run, a panel score, or other entries / settings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import display
from ..accounts.models import User
from ..contests.models import Edition, Round
from ..entries.models import Entry
from ..extensions import db
from ..judging import totals
from ..judging.models import ScoreSheet
from .compile import latest_run
from .config_from_edition import is_last_round
from .decisions import Effective, active_decisions, effective
from .flags import REVIEW_ORDER, Flag, decode
from .models import ResultRow, ResultsRun

#: Flags the page filters on, in display order.
FLAGS = REVIEW_ORDER


def number(value: Any) -> str:
    """A score with its two decimals in the chosen language ("75.50" → "75,50")."""
    return display.score(value)


def band_text(value: Any) -> str:
    """A band or cutoff without useless zeros ("75.00" → "75", "64.50" → "64,5")."""
    return display.points(value, empty="—")


@dataclass
class JudgeTotal:
    """One judge's submitted sheet total for one entry."""

    judge: str
    total: Decimal


class RowFacts(NamedTuple):
    """What the review needs of every row of a run (flag counts, groups, pages, the
    comparison with the previous run), read as plain tuples: the rows themselves are loaded
    only for the page shown."""

    entry_id: int
    entry_code: str
    group_key: str
    rank: int | None
    score: Decimal | None
    prize_code: str | None
    flags: str
    title: str


@dataclass
class ReviewRow:
    """One entry of the review page. Its stored row, its judges' totals, its explanation
    (``explanation``, ``details``), ``spread`` and ``stale`` are read when first shown: only
    the rows a page shows pay for them (at 5,000 entries, building every row would take
    most of the page's time)."""

    facts: RowFacts
    shown: ShownRows = field(repr=False)
    prize: Effective
    names: dict[str, str] = field(repr=False)  # prize code → name, for the explanation
    threshold: Any = field(repr=False)  # the edition's discrepancy threshold

    @property
    def title(self) -> str:
        """The entry's title."""
        return self.facts.title

    @property
    def flags(self) -> list[Flag]:
        """The row's flags."""
        return decode(self.facts.flags)

    @cached_property
    def row(self) -> ResultRow:
        """The stored row (with its explanation)."""
        return self.shown.row(self.facts.entry_id)

    @cached_property
    def judges(self) -> list[JudgeTotal]:
        """Each judge's submitted sheet total in the round, now."""
        return self.shown.judges(self.facts.entry_id)

    @cached_property
    def spread(self) -> Decimal | None:
        """Max − min of the run's sheet totals (None without sheets); read when shown, like
        ``stale``: both decode the row's stored explanation."""
        e = self.row.explanation or {}
        return None if e.get("min") is None else Decimal(e["max"]) - Decimal(e["min"])

    @cached_property
    def stale(self) -> bool:
        """The round's sheets differ from those the run was computed on."""
        return _stale(self.row, self.judges)

    @cached_property
    def explained(self) -> tuple[str, list[str]]:
        """``explain()`` of the row, built once, on first read."""
        return explain(self.row, self.names, self.threshold)

    @property
    def explanation(self) -> str:
        """The explanation's main sentence (Vietnamese)."""
        return self.explained[0]

    @property
    def details(self) -> list[str]:
        """The explanation's detail lines (Vietnamese)."""
        return self.explained[1]


@dataclass
class ReviewGroup:
    """A ranking group (field, or field × board, or the edition) and its rows in order."""

    key: str
    label: str
    rows: list[ReviewRow] = field(default_factory=list)


@dataclass
class Change:
    """One entry that changed between the previous run and the latest, and why."""

    entry_code: str
    title: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reasons: list[str]


@dataclass
class Review:
    """Everything the page shows for one round."""

    edition: Edition
    round: Round
    run: ResultsRun | None
    previous: ResultsRun | None
    groups: list[ReviewGroup]
    flag_counts: dict[Flag, int]
    changes: list[Change]
    prize_names: dict[str, str]
    last_round: bool


def judge_totals(
    round_: Round, entry_ids: Iterable[int] | None = None
) -> dict[int, list[JudgeTotal]]:
    """Entry id → each judge's submitted sheet total in ``round_`` (ONE query over judging's
    ``totals.sheet_totals``: the criteria that count, in half points, so no float enters);
    ``entry_ids`` keeps only those entries (None: every entry of the round)."""
    sheet = totals.sheet_totals(round_)
    stmt = (
        select(
            sheet.c.entry_id,
            func.coalesce(func.nullif(User.full_name, ""), User.email),
            sheet.c.halves,
        )
        .join(User, User.id == sheet.c.judge_id)
        .order_by(sheet.c.entry_id, User.email)
    )
    if entry_ids is not None:
        stmt = stmt.where(sheet.c.entry_id.in_(list(entry_ids)))
    out: dict[int, list[JudgeTotal]] = defaultdict(list)
    for entry_id, judge, halves in db.session.execute(stmt):
        out[entry_id].append(JudgeTotal(judge, totals.from_halves(halves)))
    return out


class _ReadWhenShown:
    """Values per entry read when a row first shows them: for the entries the page said it
    shows (:meth:`want`) in one query, or, if it said nothing, for every entry at once."""

    def __init__(self, read: Callable[[Iterable[int] | None], dict[int, Any]]) -> None:
        self.read = read
        self.wanted: set[int] = set()
        self.loaded: dict[int, Any] = {}
        self.asked: set[int] | None = set()  # the entries read so far (None: every entry)

    def of(self, entry_id: int, default: Any = None) -> Any:
        if self.asked is not None and entry_id not in self.asked:
            if entry_id in self.wanted:  # (an entry without a value is asked once too)
                self.loaded, self.asked = self.read(sorted(self.wanted)), set(self.wanted)
            else:
                self.loaded, self.asked = self.read(None), None
        return self.loaded.get(entry_id, default)


class ShownRows:
    """The stored rows and the judges' totals of the rows a review page shows (at 5,000
    entries reading them for every row costs more than the rest of the page)."""

    def __init__(self, round_: Round, run: ResultsRun) -> None:
        self._rows = _ReadWhenShown(
            lambda ids: {row.entry_id: row for row, _title in run_rows(run, ids)}
        )
        self._judges = _ReadWhenShown(lambda ids: judge_totals(round_, ids))

    def want(self, entry_ids: Iterable[int]) -> None:
        """Say which entries will be shown (their rows and totals are then read together)."""
        ids = set(entry_ids)
        self._rows.wanted |= ids
        self._judges.wanted |= ids

    def row(self, entry_id: int) -> ResultRow:
        """The run's stored row of ``entry_id``."""
        row = self._rows.of(entry_id)
        assert row is not None, entry_id  # the facts came from the same run
        return row

    def judges(self, entry_id: int) -> list[JudgeTotal]:
        """``entry_id``'s judges and totals, ordered by the judge's e-mail."""
        return self._judges.of(entry_id, [])


def showing(groups: list[ReviewGroup]) -> list[ReviewGroup]:
    """Say that the rows of ``groups`` are the ones shown (one page): their judges' totals
    are then read together, for those rows only. Returns ``groups``."""
    items = [item for g in groups for item in g.rows]
    if items:
        items[0].shown.want(item.facts.entry_id for item in items)
    return groups


def _level_text(lv: dict, score: str, names: dict[str, str]) -> str:
    """One prize level's outcome for one entry, in Vietnamese."""
    name = names.get(lv["level"], lv["level"])
    band = band_text(lv.get("band"))
    quota = lv.get("quota")
    outcome = lv["outcome"]
    if outcome == "awarded":
        first, last = lv.get("slot_first"), lv.get("slot_last")
        slot = str(first) if first == last else f"{first}–{last}"
        if quota is None:
            place = _("suất thứ %(slot)s (không giới hạn suất)", slot=slot)
        else:
            place = _("suất thứ %(slot)s/%(quota)s", slot=slot, quota=quota)
        if lv.get("band") is None:
            return _("%(prize)s; %(place)s", prize=name, place=place)
        return _(
            "%(score)s ≥ ngưỡng %(band)s của %(prize)s; %(place)s",
            score=score,
            band=band,
            prize=name,
            place=place,
        )
    if outcome == "below_band":
        return _("%(score)s < ngưỡng %(band)s của %(prize)s", score=score, band=band, prize=name)
    if outcome == "quota_full":
        return _("%(prize)s đã đủ %(quota)s suất", prize=name, quota=quota)
    if outcome == "tie_at_quota":
        return _(
            "Đồng hạng với %(others)s ở giới hạn suất của %(prize)s (%(taken)s/%(quota)s suất "
            "đã trao): chờ Ban Tổ chức quyết định",
            others=", ".join(lv.get("tied_with") or []),
            prize=name,
            taken=lv.get("taken_before", 0),
            quota=quota,
        )
    if outcome == "closed_by_tie":
        return _("%(prize)s đã dừng xét vì đồng hạng ở giới hạn suất", prize=name)
    if outcome == "manual":
        return _("%(prize)s do Ban Tổ chức trao", prize=name)
    return name


def explain(row: ResultRow, names: dict[str, str], threshold: Any) -> tuple[str, list[str]]:
    """The row's explanation: a main sentence and detail lines (Vietnamese)."""
    e = row.explanation or {}
    details: list[str] = []
    if row.rank is None:
        main = _(
            "Chưa đủ phiếu chấm (%(n)s/%(required)s): không xếp hạng",
            n=e.get("sheets", 0),
            required=e.get("required", "?"),
        )
        if e.get("panel_ignored"):
            details.append(_("Điểm hội đồng chưa được tính vì còn thiếu phiếu."))
        return main, details
    score = number(row.score)
    if e.get("panel") is not None:
        details.append(
            _(
                "Điểm hội đồng %(panel)s thay cho điểm trung bình %(computed)s",
                panel=number(e["panel"]),
                computed=number(e.get("computed")),
            )
        )
    if Flag.DISCREPANCY in row.flag_list and e.get("min") is not None:
        spread = Decimal(e["max"]) - Decimal(e["min"])
        details.append(
            _(
                "Chênh lệch giữa các phiếu %(spread)s > ngưỡng %(t)s",
                spread=band_text(spread),
                t=band_text(threshold),
            )
        )
    if e.get("tied_with"):
        details.append(_("Đồng hạng với %(others)s", others=", ".join(e["tied_with"])))
    levels = e.get("levels") or []
    if "cutoff" in e:
        cutoff = band_text(e["cutoff"])
        if Flag.ADVANCED in row.flag_list:
            main = _("%(score)s ≥ điểm sàn %(cutoff)s: vào vòng sau", score=score, cutoff=cutoff)
        else:
            main = _("%(score)s < điểm sàn %(cutoff)s", score=score, cutoff=cutoff)
        return main, details
    if not levels:
        return _("Điểm %(score)s, hạng %(rank)s", score=score, rank=row.rank), details
    texts = [_level_text(lv, score, names) for lv in levels]
    decisive = next((i for i, lv in enumerate(levels) if lv["outcome"] == "awarded"), None)
    if decisive is None:
        decisive = next(
            (i for i, lv in enumerate(levels) if lv["outcome"] == "tie_at_quota"), len(levels) - 1
        )
    main = texts[decisive]
    details.extend(t for i, t in enumerate(texts) if i != decisive)
    return main, details


def _stale(row: ResultRow, judges: list[JudgeTotal]) -> bool:
    """True when the round's current submitted sheets differ from the run's (count, min, max)."""
    e = row.explanation or {}
    totals = [j.total for j in judges]
    if len(totals) != e.get("sheets", 0):
        return True
    if not totals:
        return False
    return (min(totals), max(totals)) != (Decimal(e["min"]), Decimal(e["max"]))


def _group_label(group_key: str, field_names: dict[str, str], board_names: dict[str, str]) -> str:
    """The ranking group's name: field (and board), or the whole edition."""
    if not group_key:
        return _("Toàn cuộc thi")
    parts = group_key.split("/")
    label = field_names.get(parts[0], parts[0])
    if len(parts) > 1:
        label += " — " + board_names.get(parts[1], parts[1])
    return label


def run_rows(
    run: ResultsRun, entry_ids: Iterable[int] | None = None
) -> list[tuple[ResultRow, str]]:
    """The run's rows in order, each with its entry's title (one query); ``entry_ids``
    keeps only those entries' rows (None: every row)."""
    stmt = (
        select(ResultRow, Entry.title)
        .join(Entry, Entry.id == ResultRow.entry_id)
        .where(ResultRow.run_id == run.id)
        .order_by(ResultRow.position)
    )
    if entry_ids is not None:
        stmt = stmt.where(ResultRow.entry_id.in_(list(entry_ids)))
    return [(row, title) for row, title in db.session.execute(stmt)]


def run_facts(run: ResultsRun) -> list[RowFacts]:
    """Every row of the run in order, as :class:`RowFacts` (one query, no ORM objects)."""
    stmt = (
        select(
            ResultRow.entry_id,
            ResultRow.entry_code,
            ResultRow.group_key,
            ResultRow.rank,
            ResultRow.score,
            ResultRow.prize_code,
            ResultRow.flags,
            Entry.title,
        )
        .join(Entry, Entry.id == ResultRow.entry_id)
        .where(ResultRow.run_id == run.id)
        .order_by(ResultRow.position)
    )
    return [RowFacts(*values) for values in db.session.execute(stmt)]


def previous_run(run: ResultsRun) -> ResultsRun | None:
    """The run numbered just before ``run`` in its round."""
    return db.session.scalar(
        select(ResultsRun).where(
            ResultsRun.round_id == run.round_id, ResultsRun.number == run.number - 1
        )
    )


def build_review(edition: Edition, round_: Round, flag: str | None = None) -> Review:
    """The page's data for ``round_`` (module docstring); ``flag`` keeps only those rows."""
    names = {p.code: p.name for p in edition.prizes}
    run = latest_run(round_)
    last = is_last_round(edition, round_)
    if run is None:
        return Review(edition, round_, None, None, [], {}, [], names, last)
    field_names = {f.code: f.name for f in edition.fields}
    board_names = {b.code: b.name for b in edition.boards}
    shown = ShownRows(round_, run)
    decisions = active_decisions(round_)
    facts = run_facts(run)
    threshold = edition.discrepancy_threshold
    counts = {f: 0 for f in FLAGS}
    groups: dict[str, ReviewGroup] = {}
    for fact in facts:
        flags = decode(fact.flags)
        for f in flags:
            counts[f] = counts.get(f, 0) + 1
        if flag and flag not in flags:
            continue
        group = groups.get(fact.group_key)
        if group is None:
            label = _group_label(fact.group_key, field_names, board_names)
            group = groups[fact.group_key] = ReviewGroup(fact.group_key, label)
        group.rows.append(
            ReviewRow(
                facts=fact,
                shown=shown,
                prize=effective(fact, decisions.get(fact.entry_id)),
                names=names,
                threshold=threshold,
            )
        )
    previous = previous_run(run)
    changes = compare(previous, run, facts) if previous is not None else []
    return Review(
        edition, round_, run, previous, list(groups.values()), counts, changes, names, last
    )


def _snapshot(row: RowFacts | ResultRow) -> dict[str, Any]:
    """What the comparison compares of one row."""
    return {"rank": row.rank, "score": row.score, "prize": row.prize_code, "flags": row.flags}


def _changed_sheets(previous: ResultsRun, entry_ids: set[int]) -> dict[int, list[str]]:
    """Entry id → judges whose sheet of the round was submitted or changed after
    ``previous`` was compiled (one query)."""
    if not entry_ids:
        return {}
    stmt = (
        select(ScoreSheet.entry_id, func.coalesce(func.nullif(User.full_name, ""), User.email))
        .join(User, User.id == ScoreSheet.judge_id)
        .where(
            ScoreSheet.round_id == previous.round_id,
            ScoreSheet.entry_id.in_(entry_ids),
            (ScoreSheet.updated_at > previous.created_at)
            | (ScoreSheet.submitted_at > previous.created_at)
            | (ScoreSheet.reopened_at > previous.created_at),
        )
        .order_by(ScoreSheet.entry_id, User.email)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for entry_id, judge in db.session.execute(stmt):
        out[entry_id].append(judge)
    return out


def _reasons(before: ResultRow | None, after: ResultRow | None, judges: list[str]) -> list[str]:
    """Why one entry changed between two runs (Vietnamese lines)."""
    if before is None:
        return [_("Hồ sơ mới có trong lần tổng hợp này.")]
    if after is None:
        return [_("Hồ sơ không còn trong lần tổng hợp này.")]
    b, a = before.explanation or {}, after.explanation or {}
    reasons = []
    sheets_differ = any(b.get(k) != a.get(k) for k in ("sheets", "sums", "min", "max"))
    if sheets_differ or judges:
        if judges:
            reasons.append(
                _("Phiếu chấm thay đổi (giám khảo: %(judges)s).", judges=", ".join(judges))
            )
        else:
            reasons.append(_("Phiếu chấm thay đổi."))
        if b.get("sheets") != a.get("sheets"):
            reasons.append(
                _(
                    "Số phiếu: %(before)s → %(after)s.",
                    before=b.get("sheets"),
                    after=a.get("sheets"),
                )
            )
    if b.get("panel") != a.get("panel"):
        reasons.append(
            _(
                "Điểm hội đồng: %(before)s → %(after)s.",
                before=number(b.get("panel")),
                after=number(a.get("panel")),
            )
        )
    if not reasons:
        reasons.append(_("Điểm của hồ sơ không đổi: thay đổi do hồ sơ khác hoặc cấu hình giải."))
    return reasons


def compare(previous: ResultsRun, run: ResultsRun, facts: list[RowFacts]) -> list[Change]:
    """The entries whose rank, score, prize or flags differ between ``previous`` and ``run``
    (entries that appear or disappear included), in the latest run's order. Both runs are
    compared as tuples; only the rows that changed are then loaded whole (their
    explanations say why)."""
    new = {fact.entry_id: fact for fact in facts}
    old = {fact.entry_id: fact for fact in run_facts(previous)}
    changed = [eid for eid in new if eid not in old or _snapshot(old[eid]) != _snapshot(new[eid])]
    changed += [eid for eid in old if eid not in new]
    before_rows = _rows_of(previous, changed)
    after_rows = _rows_of(run, changed)
    sheets = _changed_sheets(previous, set(changed))
    out = []
    for eid in changed:
        before, after = old.get(eid), new.get(eid)
        either = after or before
        assert either is not None  # the entry is in one run at least
        out.append(
            Change(
                entry_code=either.entry_code,
                title=either.title,
                before=_snapshot(before) if before else None,
                after=_snapshot(after) if after else None,
                reasons=_reasons(before_rows.get(eid), after_rows.get(eid), sheets.get(eid, [])),
            )
        )
    return out


def _rows_of(run: ResultsRun, entry_ids: list[int]) -> dict[int, ResultRow]:
    """Entry id → the run's stored row, for ``entry_ids`` (a long list of ids is no cheaper
    than reading every row)."""
    if not entry_ids:
        return {}
    wanted = set(entry_ids)
    rows = run_rows(run, entry_ids if len(entry_ids) <= 1000 else None)
    return {row.entry_id: row for row, _title in rows if row.entry_id in wanted}
