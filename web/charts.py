"""A horizontal bar chart's geometry, for the SVG the template draws (and the table beside it).

Templates rather than a chart library: the chart is a dozen bars, an SVG written by a template is a few
kilobytes with no script, its labels are the page's own text in the page's script, and its colours come from
the site's stylesheet. (pygal, the usual choice, embeds its tooltip script from an outside address by default.)
"""

from dataclasses import dataclass

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 64  # the row's label (一、 二、 … or 第3章) on the left
BAR_SPACE = 400  # the longest bar
VALUE_SPACE = 40  # the count after each bar


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    value: int
    url: str
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    bars: list
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(rows):
    """rows: [(label, title, value, url)] -> a Chart whose bars are scaled to the largest value."""
    largest = max((value for _, _, value, _ in rows), default=0) or 1
    bars = []
    for index, (label, title, value, url) in enumerate(rows):
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        width = round(BAR_SPACE * value / largest) if value else 0
        bars.append(
            Bar(
                label=label,
                title=title,
                value=value,
                url=url,
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT - 4,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return Chart(
        bars=bars,
        width=LABEL_WIDTH + BAR_SPACE + VALUE_SPACE,
        height=len(rows) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )
