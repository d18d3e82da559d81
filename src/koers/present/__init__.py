"""What the reports and the website both show, built once: pure, no I/O, no framework.

- :mod:`~koers.present.charts`: Vega-Lite specs of line charts, with honest axes
  (:mod:`~koers.present.timeaxis`: time on a time axis) and their message as alt text
  (:mod:`~koers.present.messages`); :mod:`~koers.present.statusbar`: the status bar;
- :mod:`~koers.present.styles`: one colour and shape per area, for every chart;
- :mod:`~koers.present.svg`: :func:`~koers.present.svg.to_svg` (vl-convert, offline),
  which renders any spec;
- :mod:`~koers.present.maps`: the wijk map (a ``geoshape`` choropleth) per wijk;
- :mod:`~koers.present.series`: which lines a chart draws, which figure a cell shows, the
  order of the pillars;
- :mod:`~koers.present.labels`: the Dutch words of statuses and kinds, a value or a dash;
- :mod:`~koers.present.passports`: an indicator passport in Dutch, sources as citations.

The report (:mod:`koers.report`) and the website (:mod:`koers.web`) lay these out; neither
chooses a line, a label or a colour of its own.
"""

from koers.present.charts import PHONE_WIDTH, TRAJECTORY_LABEL, Line, period_key, series_chart
from koers.present.labels import (
    AGREEMENT_KIND_LABELS,
    KIND_LABELS,
    KIND_TITLES,
    STATUS_LABELS,
    TARGET_LABELS,
    breakdown_part,
    decimals_of,
    due_text,
    shown,
    status_label,
)
from koers.present.maps import wijk_map, wijk_maps
from koers.present.passports import citation, passport_facts, source_list
from koers.present.series import chart_lines, ordered_pillars, pillar_rank, shown_as, value_at
from koers.present.styles import SeriesStyle, area_style, area_styles
from koers.present.svg import to_svg

__all__ = [
    "AGREEMENT_KIND_LABELS",
    "KIND_LABELS",
    "KIND_TITLES",
    "PHONE_WIDTH",
    "STATUS_LABELS",
    "TARGET_LABELS",
    "TRAJECTORY_LABEL",
    "Line",
    "SeriesStyle",
    "area_style",
    "area_styles",
    "breakdown_part",
    "chart_lines",
    "citation",
    "decimals_of",
    "due_text",
    "ordered_pillars",
    "passport_facts",
    "period_key",
    "pillar_rank",
    "series_chart",
    "shown",
    "shown_as",
    "source_list",
    "status_label",
    "to_svg",
    "value_at",
    "wijk_map",
    "wijk_maps",
]
