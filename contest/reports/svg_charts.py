"""Small SVG charts drawn on the server for the summary report (WeasyPrint renders inline SVG;
no matplotlib, no JavaScript).

* :func:`bar_chart` — horizontal grouped bars: one group per label (district, field …), one
  bar per series (submitted, accepted, prizes …). Bar lengths are proportional to the values
  (the longest bar is the largest value; a 0 draws no bar); each bar carries its value; long
  labels wrap onto two lines and are shortened with "…" after that.
* :func:`pie_chart` — a doughnut: one slice per label, proportional to its value, with a legend
  giving the value and the share in %.

Every text is NFC-normalised and XML-escaped; the SVG is a self-contained string (fonts by
family name: the PDF embeds DejaVu Sans).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape

COLOURS = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d",
           "#ffc107", "#0dcaf0", "#dc3545")  # fmt: skip
FONT = "DejaVu Sans, sans-serif"
CHAR_WIDTH = 0.58  # DejaVu Sans: average advance of a letter, in font sizes


def _text(value) -> str:
    """NFC, escaped for XML text and attribute values."""
    return escape(unicodedata.normalize("NFC", str(value)), {'"': "&quot;"})


def _number(value: int | float) -> str:
    """1234 → "1.234" (Vietnamese grouping)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(value):,}".replace(",", ".")


def wrap(label: str, width_chars: int, lines: int = 2) -> list[str]:
    """``label`` in at most ``lines`` lines of about ``width_chars`` characters, broken at
    spaces; what does not fit ends with "…"."""
    words = unicodedata.normalize("NFC", str(label)).split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width_chars or not current:
            current = candidate
            continue
        out.append(current)
        current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, width_chars - 1)].rstrip() + "…"
    return [line if len(line) <= width_chars else line[: width_chars - 1] + "…" for line in out]


def _nice_step(maximum: float, ticks: int = 5) -> float:
    """A round gridline step (1, 2, 5 × 10ⁿ) giving about ``ticks`` lines up to ``maximum``."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1, factor * power)
    return max(1, 10 * power)


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float]]],
    *,
    width: int = 640,
    font_size: int = 11,
    title: str = "",
) -> str:
    """Horizontal grouped bars (module docstring). ``series`` is ``[(name, values)]`` with
    one value per label."""
    label_chars = 24
    label_width = int(label_chars * CHAR_WIDTH * font_size) + 8
    bar_h = max(8, int(font_size * 1.1))
    gap = 3
    group_pad = 10
    value_room = 6 * CHAR_WIDTH * font_size + 6
    plot_x = label_width
    plot_w = max(60.0, width - plot_x - value_room - 4)
    legend_h = (font_size + 10) if len(series) > 1 else 0
    title_h = (font_size + 12) if title else 0
    top = title_h + legend_h + 4
    group_h = len(series) * bar_h + (len(series) - 1) * gap + group_pad
    wrapped = [wrap(label, label_chars) for label in labels]
    group_hs = [max(group_h, len(w) * (font_size + 2) + group_pad) for w in wrapped]
    axis_h = font_size + 8
    height = int(top + sum(group_hs) + axis_h + 4)
    maximum = max((v for _n, values in series for v in values), default=0) or 0
    step = _nice_step(maximum)
    scale_max = max(step, math.ceil(maximum / step) * step) if maximum else step

    def x_of(value: float) -> float:
        return plot_x + plot_w * (value / scale_max)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{font_size}" '
        f'role="img" class="chart chart-bar">'
    ]
    if title:
        out.append(
            f'<text x="0" y="{font_size + 2}" font-weight="bold" font-size="{font_size + 1}">'
            f"{_text(title)}</text>"
        )
    if legend_h:
        x: float = plot_x
        y: float = title_h + 2
        for i, (name, _values) in enumerate(series):
            colour = COLOURS[i % len(COLOURS)]
            out.append(
                f'<rect x="{x}" y="{y}" width="{font_size}" height="{font_size}" fill="{colour}"/>'
            )
            out.append(
                f'<text x="{x + font_size + 4}" y="{y + font_size - 1}">{_text(name)}</text>'
            )
            x += font_size + 14 + len(str(name)) * CHAR_WIDTH * font_size
    plot_bottom = top + sum(group_hs)
    tick = 0.0
    while tick <= scale_max + 1e-9:
        gx = x_of(tick)
        out.append(
            f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" y2="{plot_bottom}" '
            f'stroke="#dee2e6" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{gx:.1f}" y="{plot_bottom + font_size + 3}" text-anchor="middle" '
            f'fill="#6c757d">{_number(tick)}</text>'
        )
        tick += step
    y = float(top)
    for index, lines in enumerate(wrapped):
        gh = group_hs[index]
        bars_h = len(series) * bar_h + (len(series) - 1) * gap
        bar_y = y + (gh - bars_h) / 2
        text_y = y + gh / 2 - (len(lines) - 1) * (font_size + 2) / 2 + font_size * 0.35
        for n, line in enumerate(lines):
            out.append(
                f'<text x="{label_width - 6}" y="{text_y + n * (font_size + 2):.1f}" '
                f'text-anchor="end" class="label">{_text(line)}</text>'
            )
        for s, (name, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            colour = COLOURS[s % len(COLOURS)]
            length = plot_w * (value / scale_max) if value else 0.0
            by = bar_y + s * (bar_h + gap)
            if length > 0:
                out.append(
                    f'<rect x="{plot_x}" y="{by:.1f}" width="{length:.2f}" height="{bar_h}" '
                    f'fill="{colour}" class="bar" data-value="{value}" '
                    f'data-series="{_text(name)}"><title>{_text(name)}: {_number(value)}</title>'
                    f"</rect>"
                )
            out.append(
                f'<text x="{plot_x + length + 3:.1f}" y="{by + bar_h - 2:.1f}" '
                f'font-size="{font_size - 1}" class="value">{_number(value)}</text>'
            )
        y += gh
    out.append(
        f'<line x1="{plot_x}" y1="{top}" x2="{plot_x}" y2="{plot_bottom}" stroke="#495057" '
        f'stroke-width="0.8"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _point(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    """The point at ``angle`` (radians, 0 = 12 o'clock, clockwise) on the circle."""
    return cx + r * math.sin(angle), cy - r * math.cos(angle)


def pie_chart(
    labels: Sequence[str],
    values: Sequence[int | float],
    *,
    width: int = 420,
    font_size: int = 11,
    title: str = "",
    hole: float = 0.55,
) -> str:
    """A doughnut of ``values`` with a legend (module docstring)."""
    total = float(sum(v for v in values if v > 0))
    title_h = (font_size + 12) if title else 0
    radius = 70
    legend_line = font_size + 7
    height = int(title_h + max(2 * radius + 10, len(labels) * legend_line + 10))
    cx, cy = radius + 5, title_h + radius + 5
    inner = radius * hole
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{font_size}" '
        f'role="img" class="chart chart-pie">'
    ]
    if title:
        out.append(
            f'<text x="0" y="{font_size + 2}" font-weight="bold" font-size="{font_size + 1}">'
            f"{_text(title)}</text>"
        )
    if total <= 0:
        out.append(
            f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="none" stroke="#dee2e6" '
            f'stroke-width="{radius - inner:.1f}"/>'
        )
        out.append(
            f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" fill="#6c757d">{_text("0")}</text>'
        )
    angle = 0.0
    for i, value in enumerate(values):
        if value <= 0 or total <= 0:
            continue
        colour = COLOURS[i % len(COLOURS)]
        share = value / total
        title_text = f"{_text(labels[i])}: {_number(value)}"
        if share >= 0.9999:
            mid_r = (radius + inner) / 2
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{mid_r:.2f}" fill="none" stroke="{colour}" '
                f'stroke-width="{radius - inner:.2f}" class="slice" data-value="{value}">'
                f"<title>{title_text}</title></circle>"
            )
            continue
        end = angle + 2 * math.pi * share
        large = 1 if end - angle > math.pi else 0
        x1, y1 = _point(cx, cy, radius, angle)
        x2, y2 = _point(cx, cy, radius, end)
        x3, y3 = _point(cx, cy, inner, end)
        x4, y4 = _point(cx, cy, inner, angle)
        path = (
            f"M {x1:.2f} {y1:.2f} A {radius} {radius} 0 {large} 1 {x2:.2f} {y2:.2f} "
            f"L {x3:.2f} {y3:.2f} A {inner:.2f} {inner:.2f} 0 {large} 0 {x4:.2f} {y4:.2f} Z"
        )
        out.append(
            f'<path d="{path}" fill="{colour}" stroke="#fff" stroke-width="1" class="slice" '
            f'data-value="{value}" data-share="{share:.4f}"><title>{title_text}</title></path>'
        )
        angle = end
    lx = 2 * radius + 24
    ly = title_h + max(5, (2 * radius + 10 - len(labels) * legend_line) / 2)
    label_chars = max(8, int((width - lx - font_size - 6) / (CHAR_WIDTH * font_size)) - 12)
    for i, label in enumerate(labels):
        colour = COLOURS[i % len(COLOURS)]
        value = values[i]
        percent = f" ({_number(round(100 * value / total, 1))} %)" if total > 0 else ""
        name = wrap(label, label_chars, lines=1)[0] if str(label).strip() else ""
        y = ly + i * legend_line
        out.append(
            f'<rect x="{lx}" y="{y:.1f}" width="{font_size}" height="{font_size}" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{lx + font_size + 5}" y="{y + font_size - 1:.1f}" class="legend">'
            f"{_text(name)}: {_number(value)}{_text(percent)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
