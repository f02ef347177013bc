"""The SVG map of the 22 kecamatan (registry.maps) and its include; no database needed."""

import csv
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from registry import maps
from registry.maps import kecamatan_map

SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(maps.__file__).resolve().parent / "data"


def reference_kecamatan() -> dict[str, str]:
    with open(DATA / "blitar_wilayah.csv", encoding="utf-8", newline="") as file:
        return {row["kode"]: row["nama"] for row in csv.DictReader(file) if row["jenis"] == "kecamatan"}


def links_for_all() -> dict[str, str]:
    # The & must come out escaped, or the SVG is not well-formed XML.
    codes = reference_kecamatan()
    return {code: f"/kecamatan/{index}/?tahun=2024&triwulan=1" for index, code in enumerate(codes)}


def shapes_by_code(the_map) -> dict:
    return {shape.code: shape for shape in the_map.shapes}


def rings(path: str) -> list[list[tuple[float, float]]]:
    """'M1,2L3,4 5,6Z…' → [[(1, 2), (3, 4), (5, 6)], …]."""
    return [
        [tuple(map(float, pair.split(","))) for pair in ring.lstrip("M").replace("L", " ").split()]
        for ring in path.split("Z")
        if ring
    ]


def inside(point, path: str) -> bool:
    """Even-odd over all rings of the path, as the SVG fills it."""
    x, y = point
    result = False
    for ring in rings(path):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                result = not result
    return result


def rendered_svg(the_map, **extra) -> ET.Element:
    html = render_to_string("includes/kecamatan_map.html", {"map": the_map, **extra})
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def test_the_map_has_one_shape_per_kecamatan_of_the_reference_list_named_as_there():
    the_map = kecamatan_map(values={}, links={}, label="sesi terlaksana")

    assert len(the_map.shapes) == 22
    assert {shape.code: shape.name for shape in the_map.shapes} == reference_kecamatan()


def test_each_shape_links_where_it_was_told():
    links = links_for_all()

    the_map = kecamatan_map(values={}, links=links, label="sesi terlaksana")

    assert {shape.code: shape.url for shape in the_map.shapes} == links


def test_counts_fall_into_five_equal_steps_up_to_the_maximum_and_zero_into_its_own_grey():
    values = {"35.05.01": 0, "35.05.02": 1, "35.05.03": 5, "35.05.04": 6, "35.05.05": 21, "35.05.06": 23}

    the_map = kecamatan_map(values=values, links={}, label="sesi terlaksana")

    assert [step.label for step in the_map.legend] == ["0", "1–5", "6–10", "11–15", "16–20", "21–25"]
    assert [step.fill for step in the_map.legend] == [maps.ZERO_FILL, *maps.PALETTE]
    shapes = shapes_by_code(the_map)
    expected_steps = {
        "35.05.01": 0,
        "35.05.02": 1,
        "35.05.03": 1,
        "35.05.04": 2,
        "35.05.05": 5,
        "35.05.06": 5,
    }
    assert {code: shapes[code].step for code in values} == expected_steps
    assert {code: shapes[code].fill for code in values} == {
        code: the_map.legend[step].fill for code, step in expected_steps.items()
    }
    # A kecamatan missing from values counts as 0.
    assert shapes["35.05.22"].value == 0
    assert shapes["35.05.22"].step == 0
    assert shapes["35.05.22"].fill == maps.ZERO_FILL


def test_a_kecamatan_without_a_figure_counts_as_zero():
    values = {"35.05.01": None, "35.05.02": Decimal("12.5")}

    the_map = kecamatan_map(values=values, links={}, label="dari rencana sesi", percent=True)

    assert shapes_by_code(the_map)["35.05.01"].step == 0
    assert shapes_by_code(the_map)["35.05.01"].title == "Wonodadi: 0,0 % dari rencana sesi"


def test_small_counts_get_one_number_per_step():
    the_map = kecamatan_map(values={"35.05.01": 3, "35.05.02": 1}, links={}, label="sesi terlaksana")

    assert [step.label for step in the_map.legend] == ["0", "1", "2", "3", "4", "5"]
    assert shapes_by_code(the_map)["35.05.01"].step == 3


def test_nothing_at_all_shades_every_kecamatan_grey():
    the_map = kecamatan_map(values={}, links={}, label="sesi terlaksana")

    assert {shape.fill for shape in the_map.shapes} == {maps.ZERO_FILL}


def test_large_counts_take_a_round_step_written_the_indonesian_way():
    the_map = kecamatan_map(values={"35.05.01": 1234, "35.05.02": 250}, links={}, label="pelaku usaha")

    assert [step.label for step in the_map.legend] == [
        "0", "1–250", "251–500", "501–750", "751–1.000", "1.001–1.250",
    ]  # fmt: skip
    assert shapes_by_code(the_map)["35.05.01"].step == 5
    assert shapes_by_code(the_map)["35.05.02"].step == 1


def test_a_decimal_count_is_rounded_up_into_its_step():
    values = {"35.05.03": Decimal("5.5"), "35.05.04": Decimal("25")}

    the_map = kecamatan_map(values=values, links={}, label="jam per sesi")

    assert shapes_by_code(the_map)["35.05.03"].step == 2  # 6–10
    assert shapes_by_code(the_map)["35.05.03"].title == "Srengat: 5,5 jam per sesi"


def test_percentages_fall_into_fixed_quarter_steps():
    values = {
        "35.05.01": Decimal("0"),
        "35.05.02": Decimal("0.4"),
        "35.05.03": Decimal("25"),
        "35.05.04": Decimal("25.1"),
        "35.05.05": Decimal("100"),
        "35.05.06": Decimal("130.5"),
    }

    the_map = kecamatan_map(values=values, links={}, label="dari target", percent=True)

    assert [step.label for step in the_map.legend] == [
        "0 %",
        "1–25 %",
        "26–50 %",
        "51–75 %",
        "76–100 %",
        "> 100 %",
    ]
    shapes = shapes_by_code(the_map)
    assert {code: shapes[code].step for code in values} == {
        "35.05.01": 0, "35.05.02": 1, "35.05.03": 1, "35.05.04": 2, "35.05.05": 4, "35.05.06": 5,
    }  # fmt: skip
    assert shapes["35.05.01"].fill == maps.ZERO_FILL
    assert shapes["35.05.06"].fill == maps.PALETTE[-1]
    assert shapes["35.05.04"].title == "Kademangan: 25,1 % dari target"


def test_the_tooltip_names_the_kecamatan_the_number_and_what_it_means():
    the_map = kecamatan_map(values={"35.05.03": 12, "35.05.04": 1200}, links={}, label="sesi terlaksana")

    assert shapes_by_code(the_map)["35.05.03"].title == "Srengat: 12 sesi terlaksana"
    assert shapes_by_code(the_map)["35.05.04"].title == "Kademangan: 1.200 sesi terlaksana"
    assert shapes_by_code(the_map)["35.05.05"].title == "Bakung: 0 sesi terlaksana"


def test_the_geometry_is_read_once_per_process():
    first = kecamatan_map(values={}, links={}, label="a")
    second = kecamatan_map(values={"35.05.01": 4}, links={}, label="b")

    assert first.shapes[0].path is second.shapes[0].path
    assert maps._geometry.cache_info().currsize == 1


def test_every_label_sits_inside_its_own_kecamatan():
    # Sanankulon's centre in the source falls in the Kota Blitar gap, so it is moved inside the shape.
    the_map = kecamatan_map(values={}, links={}, label="a")

    for shape in the_map.shapes:
        assert 0 < shape.label_x < the_map.width and 0 < shape.label_y < the_map.height
        assert inside((shape.label_x, shape.label_y), shape.path), shape.name


def test_the_kota_blitar_enclave_is_labelled_from_the_gap_and_left_unshaded():
    the_map = kecamatan_map(values={}, links={}, label="a")

    enclave = the_map.enclave
    assert enclave.text == "Kota Blitar"
    assert not any(inside((enclave.x, enclave.y), shape.path) for shape in the_map.shapes)
    assert all(shape.code.startswith("35.05.") for shape in the_map.shapes)
    # data/SOURCES.md checked that the Kota Blitar centre (112.15 E, 8.10 S) lies in no kecamatan.
    centre_x, centre_y = maps._geometry().project(112.15, -8.10)
    assert abs(enclave.x - centre_x) < 40 and abs(enclave.y - centre_y) < 40


def test_the_projection_puts_north_up_and_the_south_coast_at_the_bottom():
    shapes = shapes_by_code(kecamatan_map(values={}, links={}, label="a"))

    # Nglegok lies on the slopes of Kelud in the north, Wates on the southern coast.
    assert shapes["35.05.09"].label_y < shapes["35.05.20"].label_y
    # Wonodadi in the west, Selorejo in the east.
    assert shapes["35.05.01"].label_x < shapes["35.05.21"].label_x


def test_the_include_renders_well_formed_svg_with_a_link_and_a_shaded_path_per_kecamatan():
    links = links_for_all()
    values = {code: index for index, code in enumerate(links)}
    the_map = kecamatan_map(values=values, links=links, label="sesi terlaksana")

    svg = rendered_svg(the_map, map_title="Sesi per kecamatan")

    assert svg.get("viewBox") == f"0 0 {the_map.width} {the_map.height}"
    title = svg.find(f"{SVG}title")
    assert title.text == "Sesi per kecamatan"
    assert svg.get("aria-labelledby") == title.get("id")
    anchors = svg.findall(f".//{SVG}a")
    assert sorted(anchor.get("href") for anchor in anchors) == sorted(links.values())
    fills = {shape.code: shape.fill for shape in the_map.shapes}
    paths = svg.findall(f".//{SVG}a/{SVG}path")
    assert len(paths) == 22
    assert {path.get("data-kecamatan"): path.get("fill") for path in paths} == fills
    assert {path.get("fill-rule") for path in paths} == {"evenodd"}
    tooltips = {anchor.find(f"{SVG}title").text for anchor in anchors}
    assert tooltips == {shape.title for shape in the_map.shapes}


def test_the_labels_do_not_block_clicks_and_use_decimal_points_in_the_indonesian_locale():
    the_map = kecamatan_map(values={}, links={}, label="a")

    svg = rendered_svg(the_map)

    labels = svg.find(f".//{SVG}g[@class='kecamatan-map-labels']")
    assert labels.get("pointer-events") == "none"
    texts = labels.findall(f"{SVG}text")
    assert [text.text for text in texts] == [shape.name for shape in the_map.shapes] + ["Kota Blitar"]
    assert [float(text.get("x")) for text in texts[:-1]] == [shape.label_x for shape in the_map.shapes]


def test_the_legend_follows_the_map_in_plain_html():
    the_map = kecamatan_map(values={"35.05.01": 7}, links={}, label="sesi terlaksana", percent=False)

    html = render_to_string("includes/kecamatan_map.html", {"map": the_map})

    legend = html[html.index("</svg>") :]
    for step in the_map.legend:
        assert f'fill="{step.fill}"' in legend
        assert step.label in legend


def test_the_svg_stays_small():
    the_map = kecamatan_map(values={}, links=links_for_all(), label="sesi terlaksana")

    html = render_to_string("includes/kecamatan_map.html", {"map": the_map})

    assert len(html.encode()) < 60_000
