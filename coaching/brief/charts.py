"""Small charts as SVG drawn on the server, for paper: black and white, told apart by dash and hatch.

The brief's PDF is made without a browser, so its charts cannot be Chart.js; these are a few lines of
geometry over ElementTree, which escapes every label. Every figure is also written on the chart as
text, so the paper reads without colour and the PDF's text can be selected and searched.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from registry.formatting import percent, thousands

FONT = "DejaVu Sans, sans-serif"
INK, GREY, LIGHT = "#000", "#555", "#bbb"


@dataclass(frozen=True)
class Series:
    label: str
    values: list  # one value per label; None where there is none yet (months to come)
    dashed: bool = False


def _svg(width: int, height: int, title: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=str(width),
        height=str(height),
        role="img",
        **{"font-family": FONT, "font-size": "9"},
    )
    ET.SubElement(svg, "title").text = title
    return svg


def _text(parent, x, y, text, *, anchor="middle", size=None, weight=None, fill=INK) -> ET.Element:
    attributes = {"x": _n(x), "y": _n(y), "text-anchor": anchor, "fill": fill}
    if size:
        attributes["font-size"] = str(size)
    if weight:
        attributes["font-weight"] = weight
    element = ET.SubElement(parent, "text", attributes)
    element.text = text
    return element


def _line(parent, x1, y1, x2, y2, *, stroke=INK, width=1, dash=None) -> None:
    attributes = {"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2), "stroke": stroke}
    attributes["stroke-width"] = _n(width)
    if dash:
        attributes["stroke-dasharray"] = dash
    ET.SubElement(parent, "line", attributes)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _done(svg: ET.Element) -> SafeString:
    # ElementTree escaped every text and attribute, so the markup is safe to place in a template.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def nice_maximum(value: float) -> int:
    """The axis top: the smallest of 1, 2, 2,5, 5 × 10ⁿ that is at least the value (at least 1)."""
    if value <= 1:
        return 1
    scale = 10 ** math.floor(math.log10(value))
    return int(next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= value))


def _axis(svg, *, left, top, width, height, maximum, ticks, label) -> None:
    for step in range(ticks + 1):
        value = maximum * step / ticks
        y = top + height - height * step / ticks
        _line(svg, left, y, left + width, y, stroke=LIGHT, width=0.5)
        _text(svg, left - 3, y + 3, label(value), anchor="end", size=7, fill=GREY)
    _line(svg, left, top + height, left + width, top + height)


def line_chart(labels: list[str], series: list[Series], *, title: str, width=330, height=160) -> SafeString:
    """Lines over labelled points, each last value written at its end; a dashed series is thin and grey."""
    left, top, right, bottom = 28, 8, 26, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [value for one in series for value in one.values if value is not None]
    maximum = nice_maximum(max(values, default=0))
    svg = _svg(width, height, title)
    _axis(svg, left=left, top=top, width=plot_width, height=plot_height, maximum=maximum, ticks=4,
          label=lambda value: thousands(round(value)))  # fmt: skip
    step = plot_width / max(len(labels) - 1, 1)
    for index, label in enumerate(labels):
        _text(svg, left + index * step, top + plot_height + 9, label, size=7)

    def point(index, value):
        return left + index * step, top + plot_height - plot_height * value / maximum

    ends = []
    for one in series:
        known = [(index, value) for index, value in enumerate(one.values) if value is not None]
        if known:
            _polyline(svg, [point(i, v) for i, v in known], dashed=one.dashed)
            ends.append((point(*known[-1]), known[-1][1], one.dashed))
    for (x, y), value, dashed in _apart(ends):
        _text(svg, x + 3, y + 3, thousands(value), anchor="start", size=7.5,
              weight=None if dashed else "bold", fill=GREY if dashed else INK)  # fmt: skip
    legend_y, x = height - 4, left
    for one in series:
        _polyline(svg, [(x, legend_y - 3), (x + 16, legend_y - 3)], dashed=one.dashed, markers=False)
        _text(svg, x + 19, legend_y, one.label, anchor="start", size=7.5)
        x += 26 + 5 * len(one.label)
    return _done(svg)


def _polyline(svg, points, *, dashed: bool, markers: bool = True) -> None:
    attributes = {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points), "fill": "none"}
    attributes.update({"stroke": GREY if dashed else INK, "stroke-width": "1" if dashed else "1.8"})
    if dashed:
        attributes["stroke-dasharray"] = "4 3"
    ET.SubElement(svg, "polyline", attributes)
    if markers and not dashed:
        for x, y in points:
            ET.SubElement(svg, "circle", cx=_n(x), cy=_n(y), r="1.8", fill=INK)


def _apart(ends: list, gap: float = 9) -> list:
    """End labels moved apart vertically so that two lines ending close together stay readable."""
    placed = []
    for (x, y), value, dashed in sorted(ends, key=lambda end: end[0][1]):
        if placed and y - placed[-1][0][1] < gap:
            y = placed[-1][0][1] + gap
        placed.append(((x, y), value, dashed))
    return placed


def _hatch(svg, name: str) -> str:
    """Define diagonal hatching in the chart and return its fill; `name` keeps ids apart on one page."""
    defs = ET.SubElement(svg, "defs")
    pattern = ET.SubElement(
        defs, "pattern", id=f"arsir-{name}", width="4", height="4", patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )  # fmt: skip
    _line(pattern, 0, 0, 0, 4, stroke=INK, width=1.2)
    return f"url(#arsir-{name})"


def _short_money(value: float) -> str:
    """Axis and bar labels: 'Rp 300 jt', as people say them; 'Rp 1,2 M' from a billion up."""
    if value >= 1_000_000_000:
        return f"Rp {value / 1_000_000_000:.1f} M".replace(".", ",")
    return f"Rp {thousands(round(value / 1_000_000))} jt"


def bar_chart(labels: list[str], plan: list[int], actual: list[int], *, title: str, width=330, height=150):
    """Plan (hatched) beside what was spent (solid black; None: not yet), each amount written on the bar."""
    left, top, bottom = 44, 10, 28
    plot_width, plot_height = width - left - 4, height - top - bottom
    maximum = nice_maximum(max([*plan, *(value or 0 for value in actual), 0]))
    svg = _svg(width, height, title)
    hatch = _hatch(svg, "batang")
    _axis(svg, left=left, top=top, width=plot_width, height=plot_height, maximum=maximum, ticks=4,
          label=_short_money)  # fmt: skip
    group = plot_width / max(len(labels), 1)
    bar = group * 0.34
    for index, label in enumerate(labels):
        x = left + index * group + group * 0.14
        for offset, value, fill in ((0, plan[index], hatch), (bar + 2, actual[index], INK)):
            if value is None:  # a quarter still to come has a plan but nothing spent yet
                continue
            bar_height = plot_height * value / maximum
            y = top + plot_height - bar_height
            ET.SubElement(svg, "rect", x=_n(x + offset), y=_n(y), width=_n(bar), height=_n(bar_height),
                          fill=fill, stroke=INK, **{"stroke-width": "0.8"})  # fmt: skip
            _text(svg, x + offset + bar / 2, y - 2, _short_money(value).removeprefix("Rp "), size=6.5)
        _text(svg, x + bar + 1, top + plot_height + 10, label, size=7.5)
    legend_y = height - 6
    ET.SubElement(svg, "rect", x=_n(left), y=_n(legend_y - 7), width="9", height="8",
                  fill=hatch, stroke=INK, **{"stroke-width": "0.8"})  # fmt: skip
    _text(svg, left + 12, legend_y, "Rencana", anchor="start", size=7.5)
    ET.SubElement(svg, "rect", x=_n(left + 60), y=_n(legend_y - 7), width="9", height="8", fill=INK)
    _text(svg, left + 72, legend_y, "Realisasi belanja", anchor="start", size=7.5)
    return _done(svg)


@dataclass(frozen=True)
class Meter:
    label: str
    value: float  # percent, 0–100 (more is drawn as full)
    solid: bool = True  # solid black, or hatched


def meters(rows: list[Meter], *, title: str, width=330) -> SafeString:
    """Horizontal bars from 0 to 100 %, one per row, each with its percentage written after it."""
    left, bar_width, row_height = 92, width - 92 - 44, 15
    height = row_height * len(rows) + 4
    svg = _svg(width, height, title)
    hatch = _hatch(svg, "meter")
    for index, row in enumerate(rows):
        y = 2 + index * row_height
        _text(svg, 0, y + 9, row.label, anchor="start", size=8)
        ET.SubElement(svg, "rect", x=_n(left), y=_n(y + 1), width=_n(bar_width), height="10",
                      fill="none", stroke=INK, **{"stroke-width": "0.6"})  # fmt: skip
        filled = bar_width * min(max(float(row.value), 0), 100) / 100
        ET.SubElement(svg, "rect", x=_n(left), y=_n(y + 1), width=_n(filled), height="10",
                      fill=INK if row.solid else hatch)  # fmt: skip
        _text(svg, left + bar_width + 4, y + 9, percent(row.value), anchor="start", size=8, weight="bold")
    return _done(svg)
