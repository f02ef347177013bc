"""Chart specifications for static/js/charts.js: plain dicts a template passes through json_script.

They live in registry, the lowest layer, so both the registry and the pages above it can build charts.
"""

from dataclasses import asdict, dataclass, field


@dataclass
class Dataset:
    label: str
    data: list
    type: str = ""  # empty: the chart's own type; "line" draws a line over bars
    dashed: bool = False
    colour: str = ""
    right_axis: bool = False  # its own scale on the right, for a total drawn over yearly figures


@dataclass
class Chart:
    type: str  # "bar", "line" or "doughnut"
    labels: list[str]
    datasets: list[Dataset]
    links: list[str] = field(default_factory=list)  # one URL per label: the list behind the figure
    money: bool = False
    horizontal: bool = False

    def as_json(self) -> dict:
        spec = asdict(self)
        for dataset in spec["datasets"]:
            for key in ("type", "colour", "right_axis"):
                if not dataset[key]:
                    del dataset[key]
        return spec

    @property
    def rows(self) -> list[tuple[str, str, list]]:
        """The figures as table rows (label, link, one value per dataset), for readers without the chart."""
        links = self.links or [""] * len(self.labels)
        return [
            (label, link, [dataset.data[index] for dataset in self.datasets])
            for index, (label, link) in enumerate(zip(self.labels, links, strict=True))
        ]
