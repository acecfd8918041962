"""The timeline of a search as a bar chart: inline SVG written by the server,
so it needs no script and shows in any browser.

Right to left like the page: the earliest period on the right.  Each bar
with articles is a link to the same search filtered to its period, named
for screen readers (``aria-label``) and for a pointer (``<title>``); empty
periods are drawn as a thin line and hidden from screen readers.  Colours
and sizes come from the stylesheet (the page's CSP allows no inline style).
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from search.timeline import Period, Timeline

MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
          "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
WIDTH = 600
HEIGHT = 120
GAP = 0.15  # of a bar's slot, between bars


def period_label(period: Period, interval: str) -> str:
    """14 سبتمبر 2022, سبتمبر 2022 or 2022."""
    start = period.start
    if interval == "day":
        return f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    if interval == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return str(start.year)


def counted(count: int, one: str, two: str, few: str, many: str) -> str:
    """A count as Arabic says it: the singular and dual forms are words of
    their own, 3-10 take a plural, 11 and up the singular accusative."""
    if count == 1:
        return one
    if count == 2:
        return two
    return f"{count} {few if 3 <= count % 100 <= 10 else many}"


def articles(count: int) -> str:
    """A count of news articles as Arabic says it: خبر واحد، خبران، 3 أخبار، 11 خبرا."""
    return "لا أخبار" if count == 0 else counted(count, "خبر واحد", "خبران", "أخبار", "خبرا")


def timeline_svg(timeline: Timeline, href: Callable[[Period], str], labelledby: str = "timeline-title") -> Markup:
    """The chart, or nothing when no matched article has a date."""
    periods = timeline.periods
    if not periods or timeline.interval is None:
        return Markup("")
    tallest = max(p.count for p in periods) or 1
    slot = WIDTH / len(periods)
    width = max(slot * (1 - GAP), 1.0)
    parts = [
        f'<svg class="timeline-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" height="{HEIGHT}" '
        f'preserveAspectRatio="none" role="group" aria-labelledby="{escape(labelledby)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, period in enumerate(periods):
        x = WIDTH - (i + 1) * slot + (slot - width) / 2  # the earliest on the right
        if period.count == 0:
            parts.append(f'<rect class="empty" x="{x:.2f}" y="{HEIGHT - 1}" width="{width:.2f}" height="1" '
                         'aria-hidden="true"/>')
            continue
        height = max(HEIGHT * period.count / tallest, 2.0)
        label = f"{period_label(period, timeline.interval)}: {articles(period.count)}"
        parts.append(
            f'<a class="bar" href="{escape(href(period))}" aria-label="{escape(label)}" '
            f'data-period="{escape(period.period)}">'
            f"<title>{escape(label)}</title>"
            f'<rect x="{x:.2f}" y="{HEIGHT - height:.2f}" width="{width:.2f}" height="{height:.2f}"/></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
