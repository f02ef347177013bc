"""A map of the 22 kecamatan as server-side SVG, shaded by a number per kecamatan (no tiles, no JavaScript).

The shapes come from data/blitar_kecamatan.geojson (see data/SOURCES.md); the template is
templates/includes/kecamatan_map.html.
"""

import functools
import json
import math
from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from registry import formatting

GEOJSON = Path(__file__).resolve().parent / "data" / "blitar_kecamatan.geojson"

VIEWBOX_WIDTH = 800
MARGIN = 12

# ColorBrewer "Greens" (sequential, one hue, colour-blind safe), light → dark, without its near-white
# first class so that "nothing yet" (a neutral grey) cannot be mistaken for the first step.
ZERO_FILL = "#e3e3e3"
PALETTE = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
# Percent mode: upper bounds of steps 1–4; step 5 is everything above 100 %.
PERCENT_BOUNDS = (25, 50, 75, 100)

# The Kota Blitar enclave is found on a raster of this cell size (about 220 m) as the largest area that
# no kecamatan covers and that cannot be reached from outside the kabupaten.
GRID_DEGREES = 0.002
MIN_ENCLAVE_KM2 = 5
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    value: int | Decimal
    fill: str
    step: int
    url: str
    title: str


@dataclass(frozen=True)
class LegendStep:
    fill: str
    label: str


@dataclass(frozen=True)
class MapLabel:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class KecamatanMap:
    width: int
    height: int
    shapes: list[MapShape]
    legend: list[LegendStep]
    label: str
    percent: bool
    enclave: MapLabel | None

    @property
    def dom_id(self) -> str:
        """An id for the SVG's title, so that two maps on one page do not clash."""
        return f"peta-{slugify(self.label) or 'kecamatan'}"


def kecamatan_map(
    *, values: dict[str, int | Decimal], links: dict[str, str], label: str, percent: bool = False
) -> KecamatanMap:
    """The 22 kecamatan shaded by `values` (kecamatan code → number; a missing code or None counts as 0).

    Shading rule: 0 (or less) gets its own grey step, labelled "0" ("0 %"). Any other value is first
    rounded up to a whole number (so 25,1 % belongs with 26–50 %) and falls into one of five green steps:
    - counts: equal steps of width w from 1 up to 5·w, where w is the smallest of 1, 2, 3, 4, 5, 10, 20,
      25, 50, 100, 200, 250, 500, … that is at least max/5 (max 23 → 1–5, 6–10, …, 21–25);
    - percent=True: fixed steps 1–25, 26–50, 51–75, 76–100 and > 100 %.
    """
    geometry = _geometry()
    values = {code: value or 0 for code, value in values.items()}
    steps = _percent_steps() if percent else _count_steps(max([0, *values.values()]))
    shapes = []
    for outline in geometry.outlines:
        value = values.get(outline.code, 0)
        step = _step_of(value, steps)
        shapes.append(
            MapShape(
                code=outline.code,
                name=outline.name,
                path=outline.path,
                label_x=outline.label_x,
                label_y=outline.label_y,
                value=value,
                fill=steps[step].fill,
                step=step,
                url=links.get(outline.code, ""),
                title=f"{outline.name}: {_format_value(value, percent)} {label}",
            )
        )
    return KecamatanMap(
        width=geometry.width,
        height=geometry.height,
        shapes=shapes,
        legend=[LegendStep(fill=step.fill, label=step.label) for step in steps],
        label=label,
        percent=percent,
        enclave=geometry.enclave,
    )


# --- steps ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    upper: int | None  # the largest whole number in the step; None for the open top step
    fill: str
    label: str


def _count_steps(maximum) -> list[_Step]:
    width = _nice_width(math.ceil(max(maximum, 0) / 5))
    thousands = formatting.thousands
    steps = [_Step(upper=0, fill=ZERO_FILL, label="0")]
    for index, fill in enumerate(PALETTE, start=1):
        low, high = (index - 1) * width + 1, index * width
        label = thousands(high) if low == high else f"{thousands(low)}–{thousands(high)}"
        # 5·w ≥ max, so the top step holds the max anyway; left open, nothing can fall off the end.
        steps.append(_Step(upper=None if index == len(PALETTE) else high, fill=fill, label=label))
    return steps


def _nice_width(at_least: int) -> int:
    if at_least <= 5:
        return max(at_least, 1)
    scale = 10
    while True:
        for mantissa in (1, 2, 2.5, 5):
            if mantissa * scale >= at_least:
                return int(mantissa * scale)
        scale *= 10


def _percent_steps() -> list[_Step]:
    steps = [_Step(upper=0, fill=ZERO_FILL, label="0 %")]
    low = 1
    for high, fill in zip(PERCENT_BOUNDS, PALETTE, strict=False):
        steps.append(_Step(upper=high, fill=fill, label=f"{low}–{high} %"))
        low = high + 1
    steps.append(_Step(upper=None, fill=PALETTE[-1], label=f"> {PERCENT_BOUNDS[-1]} %"))
    return steps


def _step_of(value, steps: list[_Step]) -> int:
    whole = math.ceil(value)
    return next(index for index, step in enumerate(steps) if step.upper is None or whole <= step.upper)


def _format_value(value, percent: bool) -> str:
    if percent:
        return formatting.percent(value)
    if value == int(value):
        return formatting.thousands(value)
    return formatting.one_decimal(value)


# --- geometry (parsed once per process) ----------------------------------------------------------


@dataclass(frozen=True)
class _Outline:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class _Projection:
    """WGS84 → viewBox: equirectangular, longitude shrunk by cos(mean latitude), north up."""

    west: float
    north: float
    x_scale: float
    y_scale: float

    def __call__(self, lng: float, lat: float) -> tuple[float, float]:
        return (
            round(MARGIN + (lng - self.west) * self.x_scale, 1),
            round(MARGIN + (self.north - lat) * self.y_scale, 1),
        )


@dataclass(frozen=True)
class _Geometry:
    width: int
    height: int
    outlines: tuple[_Outline, ...]
    enclave: MapLabel | None
    project: _Projection


@functools.cache
def _geometry() -> _Geometry:
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    polygons_of = {feature["properties"]["kode"]: _polygons(feature["geometry"]) for feature in features}
    points = [
        point
        for polygons in polygons_of.values()
        for polygon in polygons
        for ring in polygon
        for point in ring
    ]
    west, east = min(lng for lng, _ in points), max(lng for lng, _ in points)
    south, north = min(lat for _, lat in points), max(lat for _, lat in points)
    shrink = math.cos(math.radians((south + north) / 2))
    scale = (VIEWBOX_WIDTH - 2 * MARGIN) / ((east - west) * shrink)
    project = _Projection(west=west, north=north, x_scale=scale * shrink, y_scale=scale)
    raster = _Raster(west, south, east, north, shrink, list(polygons_of.values()))
    outlines = []
    for feature in features:
        properties = feature["properties"]
        polygons = polygons_of[properties["kode"]]
        centre = (properties["lng_pusat"], properties["lat_pusat"])
        if not any(_inside(centre, poly) for poly in polygons):
            # The source's centre of Sanankulon lies in the Kota Blitar gap; label it where it is widest.
            centre = raster.widest_point(polygons)
        label_x, label_y = project(*centre)
        outlines.append(
            _Outline(
                code=properties["kode"],
                name=properties["nama"],
                path=_svg_path(polygons, project),
                label_x=label_x,
                label_y=label_y,
            )
        )
    enclave = raster.enclave_centre()
    return _Geometry(
        width=VIEWBOX_WIDTH,
        height=math.ceil((north - south) * scale + 2 * MARGIN),
        outlines=tuple(outlines),
        enclave=MapLabel("Kota Blitar", *project(*enclave)) if enclave else None,
        project=project,
    )


def _polygons(geometry: dict) -> list[list[list[tuple[float, float]]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[[(lng, lat) for lng, lat in ring] for ring in polygon] for polygon in polygons]


def _svg_path(polygons, project) -> str:
    """All rings in one path (to be filled even-odd), 1-decimal coordinates, repeated points dropped."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            projected = []
            for point in ring[:-1]:  # GeoJSON repeats the first point at the end; Z closes instead
                xy = project(*point)
                if not projected or projected[-1] != xy:
                    projected.append(xy)
            numbers = [f"{_number(x)},{_number(y)}" for x, y in projected]
            parts.append(f"M{numbers[0]}L{' '.join(numbers[1:])}Z")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _inside(point, polygon) -> bool:
    """Even-odd point in polygon (all rings, so a hole is outside)."""
    x, y = point
    inside = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


class _Raster:
    """Which grid cells each kecamatan covers, filled row by row from the edge crossings."""

    def __init__(self, west, south, east, north, shrink, all_polygons):
        # One empty cell of border all round, so that the outside is one connected area.
        self.west, self.north, self.shrink = west - GRID_DEGREES, north + GRID_DEGREES, shrink
        self.columns = math.ceil((east - west) / GRID_DEGREES) + 3
        self.rows = math.ceil((north - south) / GRID_DEGREES) + 3
        self.covered = set()
        for polygons in all_polygons:
            self.covered |= self.cells(polygons)

    def centre(self, cell) -> tuple[float, float]:
        row, column = cell
        return self.west + (column + 0.5) * GRID_DEGREES, self.north - (row + 0.5) * GRID_DEGREES

    def cells(self, polygons) -> set[tuple[int, int]]:
        cells = set()
        for row in range(self.rows):
            lat = self.north - (row + 0.5) * GRID_DEGREES
            for polygon in polygons:
                crossings = sorted(
                    x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                    for ring in polygon
                    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
                    if (y1 > lat) != (y2 > lat)
                )
                for start, end in zip(crossings[::2], crossings[1::2], strict=True):
                    first = math.ceil((start - self.west) / GRID_DEGREES - 0.5)
                    last = math.floor((end - self.west) / GRID_DEGREES - 0.5)
                    cells.update((row, column) for column in range(first, last + 1))
        return cells

    def neighbours(self, cell):
        row, column = cell
        for neighbour in ((row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)):
            if 0 <= neighbour[0] < self.rows and 0 <= neighbour[1] < self.columns:
                yield neighbour

    def region(self, start, allowed) -> set[tuple[int, int]]:
        seen, queue = {start}, deque([start])
        while queue:
            for neighbour in self.neighbours(queue.popleft()):
                if neighbour in allowed and neighbour not in seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
        return seen

    def enclave_centre(self) -> tuple[float, float] | None:
        """The centre of the largest uncovered area enclosed by the kecamatan, if big enough to be a town."""
        empty = {(r, c) for r in range(self.rows) for c in range(self.columns)} - self.covered
        empty -= self.region((0, 0), empty)
        gaps = []
        while empty:
            gap = self.region(next(iter(empty)), empty)
            empty -= gap
            gaps.append(gap)
        cell_km2 = (GRID_DEGREES * KM_PER_DEGREE) ** 2 * self.shrink
        gap = max(gaps, key=len, default=set())
        if len(gap) * cell_km2 < MIN_ENCLAVE_KM2:
            return None
        # Label at the mean of the gap's cells, or at the gap cell nearest to it if the gap is not convex.
        mean_row = sum(row for row, _ in gap) / len(gap)
        mean_column = sum(column for _, column in gap) / len(gap)
        return self.centre(min(gap, key=lambda cell: math.hypot(cell[0] - mean_row, cell[1] - mean_column)))

    def widest_point(self, polygons) -> tuple[float, float]:
        """The centre of the kecamatan's cell that lies farthest from the kecamatan's own edges."""
        cells = self.cells(polygons)
        edges = [
            (self._plane(a), self._plane(b))
            for polygon in polygons
            for ring in polygon
            for a, b in zip(ring, ring[1:], strict=False)
        ]
        best = max(
            cells, key=lambda cell: min(_distance(self._plane(self.centre(cell)), a, b) for a, b in edges)
        )
        return self.centre(best)

    def _plane(self, point) -> tuple[float, float]:
        return point[0] * self.shrink, point[1]


def _distance(point, a, b) -> float:
    """From a point to the segment a–b."""
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)
