"""Run axe-core (tests/browser/vendor/axe-core) on a page and keep what it finds, page by page.

axe is handed to the page through Playwright's evaluate, which goes through the DevTools protocol:
the app's Content-Security-Policy (no inline script) does not apply to it, so the page is checked as
the app serves it, without bypass_csp. It is loaded again after every navigation.
Playwright's add_script_tag, an inline <script>, is refused by that policy.
"""

import functools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")

RUN = """options => axe.run(document, options).then(results => results.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map(node => {
        const contrast = node.any.map(check => check.data).find(data => data && data.contrastRatio);
        return node.target.join(' ') + '  ' + node.html.replace(/\\s+/g, ' ').slice(0, 120)
            + (contrast ? `  [${contrast.fgColor} di atas ${contrast.bgColor}: ${contrast.contrastRatio}`
                + ` < ${contrast.expectedContrastRatio}]` : '');
    }),
})))"""


@functools.cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page: id, impact, help and the elements.

    Folded <details> (the figures behind each chart, more filters) are opened first, as a person
    would, so what they hold is checked too.
    """
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('details:not([open])').forEach(details => details.open = true)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN, OPTIONS)


@dataclass(repr=False)
class Audit:
    """What axe found on each page checked: audit.check(page, "Beranda (pimpinan)")."""

    found: dict[str, list[dict]] = field(default_factory=dict)

    def check(self, page, name: str) -> None:
        assert name not in self.found, f"Halaman {name} sudah diperiksa"
        self.found[name] = violations(page)

    def counts(self) -> str:
        """One line per page: the number of violations by impact, for the record."""
        lines = []
        for name, found in self.found.items():
            by_impact = Counter(violation["impact"] for violation in found)
            summary = ", ".join(f"{impact} {by_impact[impact]}" for impact in IMPACTS if by_impact[impact])
            rules = ", ".join(sorted({f"{v['id']} ({v['impact']})" for v in found}))
            lines.append(f"{name}: {summary or 'bersih'}{f' — {rules}' if rules else ''}")
        return "\n".join(lines)

    def blocking(self) -> list[str]:
        """Every serious or critical violation: page, rule, what it asks, and the elements."""
        return [
            f"{name}: {violation['id']} ({violation['impact']}) {violation['help']}\n    "
            + "\n    ".join(violation["nodes"])
            for name, found in self.found.items()
            for violation in found
            if violation["impact"] in BLOCKING
        ]

    def assert_clean(self) -> None:
        print(f"\naxe-core, pelanggaran per halaman:\n{self.counts()}")
        blocking = self.blocking()
        assert not blocking, "Pelanggaran aksesibilitas serius/kritis:\n" + "\n".join(blocking)
