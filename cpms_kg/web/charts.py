"""Charts drawn on the server as inline SVG: no chart library, no script, readable without either.

Every chart comes with its text equivalent (a table a screen reader or a text browser reads), and the SVG
itself is labelled (`role="img"` with a title), so the picture adds to the numbers and never replaces them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None
    """A link for the bar (e.g. the findings of that rule)."""


@dataclass(frozen=True)
class Point:
    day: date
    value: int


def _link(text: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>' if href else escape(text)


def bar_chart(title: str, bars: Sequence[Bar], *, key: str, headers: tuple[str, str], width: int = 560) -> str:
    """Horizontal bars in the order given, and the same numbers as a table (`headers`: label, value).
    `key` names the chart uniquely on its page (for aria-labelledby)."""
    chart_id = f"chart-{key}"
    if not bars:
        return f'<figure class="chart"><figcaption id="{chart_id}">{escape(title)}</figcaption><p>—</p></figure>'
    row, label_w, top = 22, 230, 4
    height = top + row * len(bars)
    biggest = max(b.value for b in bars) or 1
    room = width - label_w - 60
    parts = []
    for n, b in enumerate(bars):
        y = top + n * row
        w = max(1, round(room * b.value / biggest)) if b.value else 0
        label = b.label if len(b.label) <= 30 else b.label[:29] + "…"
        bar = (
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 8}" rx="2"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 14}">{b.value}</text>'
        )
        parts.append(f'<a href="{escape(b.href)}">{bar}</a>' if b.href else bar)
    svg = (
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{chart_id}">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
    rows = "".join(f"<tr><td>{_link(b.label, b.href)}</td><td>{b.value}</td></tr>" for b in bars)
    table = (
        f"<details><summary>{escape(headers[0])} / {escape(headers[1])}</summary>"
        f'<table class="chart-data"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(headers[0])}</th><th scope="col">{escape(headers[1])}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )
    return f'<figure class="chart"><figcaption id="{chart_id}">{escape(title)}</figcaption>{svg}{table}</figure>'


def line_chart(
    title: str,
    points: Sequence[Point],
    *,
    key: str,
    goal: int | None,
    headers: tuple[str, str],
    until: date | None = None,
    width: int = 360,
) -> str:
    """A step line of a count over time, drawn on to `until` (e.g. today), with the goal as a dashed line, and the
    points as a table."""
    chart_id = f"chart-{key}"
    if not points:
        return f'<figure class="chart"><figcaption id="{chart_id}">{escape(title)}</figcaption><p>—</p></figure>'
    height, left, bottom, pad = 150, 40, 22, 16
    first, last = points[0].day, max(points[-1].day, until or points[-1].day)
    span = max(1, (last - first).days)
    top_value = max([p.value for p in points] + [goal or 0, 1])

    def x(day: date) -> float:
        return round(left + (width - left - pad) * (day - first).days / span, 1)

    def y(count: int) -> float:
        return round(pad + (height - bottom - pad) * (1 - count / top_value), 1)

    path = [f"M{x(first)},{y(0)}"]
    for p in points:
        path.append(f"V{y(p.value)}" if p.day == first else f"H{x(p.day)}V{y(p.value)}")
    path.append(f"H{width - pad}")
    goal_line = (
        f'<line class="goal" x1="{left}" x2="{width - pad}" y1="{y(goal)}" y2="{y(goal)}"></line>'
        f'<text x="{width - pad}" y="{y(goal) - 3}" text-anchor="end">{goal}</text>'
        if goal
        else ""
    )
    axis = (
        f'<line class="axis" x1="{left}" x2="{left}" y1="{pad}" y2="{height - bottom}"></line>'
        f'<line class="axis" x1="{left}" x2="{width - pad}" y1="{height - bottom}" y2="{height - bottom}"></line>'
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>'
        f'<text x="{left - 4}" y="{pad + 8}" text-anchor="end">{top_value}</text>'
        f'<text x="{left}" y="{height - 6}">{first.isoformat()}</text>'
        f'<text x="{width - pad}" y="{height - 6}" text-anchor="end">{last.isoformat()}</text>'
    )
    svg = (
        f'<svg class="line" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{chart_id}">'
        f'<title>{escape(title)}</title>{axis}{goal_line}<path d="{"".join(path)}"></path></svg>'
    )
    rows = "".join(f"<tr><td>{p.day.isoformat()}</td><td>{p.value}</td></tr>" for p in points)
    table = (
        f'<details><summary>{escape(headers[0])} / {escape(headers[1])}</summary><table class="chart-data">'
        f"<caption>{escape(title)}</caption>"
        f'<thead><tr><th scope="col">{escape(headers[0])}</th><th scope="col">{escape(headers[1])}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )
    return f'<figure class="chart"><figcaption id="{chart_id}">{escape(title)}</figcaption>{svg}{table}</figure>'


def progress_bar(label: str, value: int, goal: int, *, text: str) -> str:
    """A bar against a goal, with the numbers as text; `met` colours it (the text says it too)."""
    met = value >= goal
    percent = 100 if goal <= 0 else min(100, round(100 * value / goal))
    return (
        f'<div class="target{" met" if met else ""}">'
        f'<div class="bar{" met" if met else ""}" role="progressbar" aria-label="{escape(label)}" '
        f'aria-valuemin="0" aria-valuemax="{goal}" aria-valuenow="{min(value, goal)}" '
        f'aria-valuetext="{escape(text)}"><span style="width:{percent}%"></span></div>'
        f"<p>{escape(text)}</p></div>"
    )
