"""A deliberately simple, brute-force reading of RULES §5, written apart from the engine.

It shares nothing with ``contest.results.ranking`` but the input dataclasses: rounding is
``Decimal.quantize(ROUND_HALF_UP)`` on a 60-digit division (the engine uses integers), means are
``Fraction``s, a rank is "1 + how many entries of the group are strictly better" (O(n²)), and a
prize level is decided per entry by counting instead of walking the list:

    among the entries of the level's scope that are still unawarded and reach the band,
    let B = how many are strictly better than e and T = how many are equal to e (e included);
    e takes the level  ⇔  quota is None or B + T ≤ quota;
    e is TIE_AT_QUOTA   ⇔  B < quota < B + T.

(If an earlier tied block straddled, then B ≥ its B + T > quota, so e cannot take the level:
the "level closes" rule needs no separate state.) Returns results-file rows (strings).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction


def _points(sheet, code):
    """A sheet's points for a criterion, as an exact Fraction."""
    return Fraction(Decimal(str(sheet.points[code])))


def reference_rows(config, entries):
    """The results-file rows RULES §5 and FORMATS.md prescribe for these inputs."""
    codes = [c.code for c in config.criteria]
    listed_tiebreak = list(config.tiebreak or [])
    tiebreak = listed_tiebreak + [c for c in codes if c not in listed_tiebreak]
    prizes = list(config.prizes)
    edition_wide = len(prizes) > 0 and all(p.scope == "edition" for p in prizes)
    listed = [e for e in entries if e.status == "accepted"]

    def group(e):
        if edition_wide:
            return ()
        return (e.field, e.board) if config.boards else (e.field,)

    score, key, flags = {}, {}, {}
    for e in listed:
        flags[e.code] = set()
        if len(e.sheets) < config.judges_per_entry:
            flags[e.code].add("INCOMPLETE")
            continue
        totals = [sum(_points(s, c) for c in codes) for s in e.sheets]
        with localcontext() as ctx:
            ctx.prec = 60
            total = sum((Decimal(t.numerator) / Decimal(t.denominator) for t in totals), Decimal(0))
            mean = total / Decimal(len(totals))
        value = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if e.panel_score is not None:
            value = Decimal(str(e.panel_score)).quantize(Decimal("0.01"))
            flags[e.code].add("PANEL_SCORE")
        threshold = config.discrepancy_threshold
        if threshold is not None and max(totals) - min(totals) > Fraction(threshold):
            flags[e.code].add("DISCREPANCY")
        score[e.code] = value
        means = tuple(
            Fraction(sum(_points(s, c) for s in e.sheets), len(e.sheets)) for c in tiebreak
        )
        key[e.code] = (Fraction(value), *means)

    ranked = [e for e in listed if e.code in score]
    rank = {
        e.code: 1 + sum(1 for f in ranked if group(f) == group(e) and key[f.code] > key[e.code])
        for e in ranked
    }

    prize = {}
    if config.round.last:
        for lv in prizes:
            if not lv.automatic:
                continue
            before = dict(prize)  # awards as they stood when this level started

            def eligible(f, lv=lv, before=before):
                return f.code not in before and (
                    lv.min_score is None or score[f.code] >= lv.min_score
                )

            for e in ranked:
                if not eligible(e):
                    continue
                unit = [
                    f
                    for f in ranked
                    if eligible(f) and (lv.scope == "edition" or group(f) == group(e))
                ]
                better = sum(1 for f in unit if key[f.code] > key[e.code])
                tied = sum(1 for f in unit if key[f.code] == key[e.code])
                if lv.quota is None or better + tied <= lv.quota:
                    prize[e.code] = lv.code
                elif better < lv.quota < better + tied:
                    flags[e.code].add("TIE_AT_QUOTA")
    elif config.round.cutoff is not None:
        for e in ranked:
            if score[e.code] >= config.round.cutoff:
                flags[e.code].add("ADVANCED")

    def order(e):
        g = group(e)
        where = [] if not g else [config.fields.index(g[0])]
        if len(g) == 2:
            where.append(config.boards.index(g[1]))
        return (where, e.code not in rank, rank.get(e.code, 0), e.code)

    rows = []
    for e in sorted(listed, key=order):
        board = (e.board or "",) if config.boards else ()
        rows.append(
            (
                e.code,
                e.field,
                *board,
                str(rank[e.code]) if e.code in rank else "",
                f"{score[e.code]:.2f}" if e.code in score else "",
                prize.get(e.code, ""),
                ";".join(sorted(flags[e.code])),
            )
        )
    return rows
