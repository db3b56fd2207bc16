"""The operation's SVG charts: the bars, the states and the lines are drawn to scale from the figures."""

from __future__ import annotations

import re

from django.utils import translation

from lockstep.operations.charts import bars, line, states


def _widths(svg: str) -> list[int]:
    return [int(w) for w in re.findall(r'<rect x="170" y="\d+" width="(\d+)"', svg)]


def test_bars_are_to_scale_longest_first_and_escape_labels() -> None:
    svg = str(bars("c", "Arrests", [("Kenya", 100), ("Côte <d'Ivoire>", 50), ("Zero", 0)]))
    assert _widths(svg) == [400, 200]  # 400 = the room for the longest bar
    assert svg.index("Kenya") < svg.index("Côte")
    assert "&lt;d&#x27;Ivoire&gt;" in svg and "<d'Ivoire>" not in svg
    assert "Zero" not in svg
    assert str(bars("c", "Arrests", [("Kenya", 0)])) == ""


def test_states_share_the_width_and_the_line_climbs_to_its_top() -> None:
    with translation.override("en"):  # the legend is in the reader's language
        svg = str(states("s", "States", {"identified": 1, "taken_down": 3}))
    assert re.findall(r'width="([\d.]+)" height="22"', svg) == ["155.0", "465.0"]
    assert "<title>Taken down: 3</title>" in svg and "Refused 0" in svg
    assert str(states("s", "States", {})) == ""
    drawn = str(line("l", "Down", [("2024-09-02", 10), ("2024-09-03", 40)]))
    points = re.search(r'points="([^"]+)"', drawn)
    assert points is not None
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in points.group(1).split())
    assert x1 == 60 and x2 == 620 and y2 == 14 and y1 > y2  # the last (top) value at the top
    assert "2024-09-02" in drawn and "2024-09-03" in drawn
    assert str(line("l", "Down", [])) == ""
