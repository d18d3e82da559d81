"""Every Basismonitor measure's definition, written once: numerator, denominator, period
form and a note (what the plan means, what registers allow, what koers chose).

``docs/basismonitor.md`` ("Definitions") is this table (:func:`markdown`), and
``tests/test_basismonitor_definitions.py`` checks that the docs carry it unchanged, that
every measure a kernel computes has a definition here (with the period form the kernel
uses) and that each definition gives the hand-computed answer on a small hand-made panel.
The kernels' docstrings point here instead of repeating it.

Conventions of every definition: ``age`` is ``year - birth_year``; a person counts in the
leaf where she lived on 1 January of the year, a household in its members' leaf (distinct
``household`` ids per leaf and year); "…" stands for "units of the denominator"; a
condition on an empty field is false; a flow is attributed to the leaf of its start year
and counted only when its follow-up years are in the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from koers.basismonitor.cells import PeriodForm
from koers.basismonitor.schema import ADVICES

PERIODS: dict[PeriodForm, str] = {
    "calendar": "Y",
    "school": "Y-1/Y",
    "teldatum": "Y-1-10-01",
    "october": "Y-10-01",
}
"""How each period form is written in the table (``Y``: the row's year)."""


@dataclass(frozen=True)
class Definition:
    measure: str
    form: PeriodForm
    numerator: str
    denominator: str
    note: str = ""


_G8 = "groep-8 pupils (sector po, study_year 8)"
_COHORT = "pupils of the groep-8 cohort of school year Y"
_INFLOW = "persons with benefit bijstand in Y and not in Y-1 (inflow)"
_MOVES = {
    "settlers": (
        "households living in the leaf on 1 January Y+1 of which no member lived there on "
        "1 January Y"
    ),
    "leavers": (
        "households of the leaf on 1 January Y of which no member lives there on 1 January "
        "Y+1 and at least one lives elsewhere in the panel"
    ),
    "stayers": (
        "households of the leaf on 1 January Y of which a member still lives there on 1 January Y+1"
    ),
}
_INCOME = {
    "laag": "with income_percentile at most 40 (the lowest 40% nationally)",
    "midden_hoog": "with income_percentile above 40",
    "onbekend": "without income_percentile",
}

DEFINITIONS: tuple[Definition, ...] = (
    Definition("T1.R2", "calendar", "persons aged < 27", "persons"),
    Definition(
        "T1.R3",
        "calendar",
        "… of household_type eenouder",
        "households with a member in position kind aged < 18",
    ),
    Definition(
        "T1.R4",
        "teldatum",
        "… with parents_education laag",
        "pupils in po with a known parents_education",
        "Unweighted: the education file's weights belong to the parents, not the pupils.",
    ),
    Definition(
        "T1.R5",
        "school",
        "… with ref_taal fundamenteel or streef",
        f"{_G8} with a known ref_taal",
        "Taal (lezen): Tabel 1 does not say which subject it counts; rekenen is "
        "ref.rekenen.fundamenteel.",
    ),
    Definition("T1.R6", "school", "… with ref_taal streef", f"{_G8} with a known ref_taal"),
    Definition(
        "T1.R7",
        "school",
        "… with level havo or vwo",
        "vo pupils in leerjaar 3 (all levels, pro included)",
    ),
    Definition("T1.R8", "school", "… with level pro", "vo pupils"),
    Definition(
        "T1.R9", "school", "… with diploma vwo", "persons with a vo diploma (vmbo, havo, vwo)"
    ),
    Definition(
        "T1.R10", "school", "… with diploma havo", "persons with a vo diploma (vmbo, havo, vwo)"
    ),
    Definition(
        "T1.R11", "school", "… with diploma vmbo", "persons with a vo diploma (vmbo, havo, vwo)"
    ),
    Definition(
        "T1.R12",
        "school",
        "… with early_leaver (new voortijdig schoolverlaters)",
        "pupils in vo and mbo aged 12-22",
        "The vsv definition of DUO/OCW: participants in vo and mbo; po pupils and ho "
        "students are not in the denominator.",
    ),
    Definition("T1.R13", "october", "… with startkwalificatie", "persons aged 18-22"),
    Definition(
        "T1.R14",
        "october",
        "Σ education_weight of … with education middelbaar or hoog",
        "Σ education_weight of persons aged 15-74 with a known education and weight",
        "Weighted: the education file covers part of the population and CBS weights it "
        "up (GEWICHTHOOGSTEOPL in HOOGSTEOPLTAB); the counts the gate checks are unweighted.",
    ),
    Definition(
        "T1.R15",
        "calendar",
        "Σ household_income of households with a known income",
        "households with a known income (the mean over households)",
        "A magnitude: negative incomes count as they are.",
    ),
    Definition(
        "T1.R16",
        "calendar",
        "… with income_vs_minimum ≤ 1,10",
        "households with a known income_vs_minimum",
    ),
    Definition(
        "T1.R17",
        "calendar",
        "… with income_vs_minimum ≤ 1,10",
        "persons aged < 18 with a known income_vs_minimum",
    ),
    Definition(
        "T1.R18",
        "calendar",
        "… with a member receiving any benefit (bijstand, ww or ao)",
        "households",
    ),
    Definition("T1.R19", "calendar", "… with a member receiving bijstand or ww", "households"),
    Definition(
        "T1.R20",
        "october",
        "… with labour_force and not employed",
        "persons aged 15-74 with a known labour_force",
        "Registers do not say who is looking and available (the EBB sample does): a panel "
        "from registers alone leaves labour_force empty and gets no T1.R20; "
        "work.jobless_benefit is the register measure next to it.",
    ),
    Definition(
        "ref.rekenen.fundamenteel",
        "school",
        "… with ref_rekenen fundamenteel or streef",
        f"{_G8} with a known ref_rekenen",
    ),
    Definition(
        "ref.rekenen.streef",
        "school",
        "… with ref_rekenen streef",
        f"{_G8} with a known ref_rekenen",
    ),
    Definition(
        "advice.vs_test.above",
        "school",
        "… whose advice is higher than the test_advice",
        f"{_G8} with a known advice and test_advice",
        "E4.1, after the plan's finding on advices above the eindtoets result (seed 2960-2966).",
    ),
    Definition(
        "advice.vs_test.equal",
        "school",
        "… whose advice equals the test_advice",
        f"{_G8} with a known advice and test_advice",
    ),
    Definition(
        "advice.vs_test.below",
        "school",
        "… whose advice is lower than the test_advice",
        f"{_G8} with a known advice and test_advice",
    ),
    Definition(
        "advice.revised",
        "school",
        "… with an advice_revised",
        f"{_G8} with a known advice",
        "E4.4: revised advices over definitive advices.",
    ),
    *(
        Definition(
            f"mbo.field.{group}",
            "school",
            f"… with mbo_field {text}",
            "mbo students with a known mbo_field",
            note,
        )
        for group, text, note in (
            ("techniek_haven", "techniek or haven_logistiek", "E4.7 (participation)."),
            ("zorg", "zorg", "E4.8 (participation)."),
            (
                "overig",
                "overig",
                "E4.9 (kansrijk: techniek, haven and zorg) is 100% minus this share.",
            ),
        )
    ),
    *(
        Definition(
            f"mbo.diploma_field.{group}",
            "school",
            f"… with mbo_field {text}",
            "persons with an mbo diploma (mbo1-mbo4) and a known mbo_field",
            note,
        )
        for group, text, note in (
            ("techniek_haven", "techniek or haven_logistiek", "E4.5 (diplomas)."),
            ("zorg", "zorg", "E4.6 (diplomas)."),
            ("overig", "overig", ""),
        )
    ),
    Definition(
        "work.jobless_benefit",
        "october",
        "… not employed and receiving ww or bijstand",
        "persons aged 15-74",
        "The register measure next to T1.R20: jobless with an unemployment or assistance "
        "benefit, not the ILO's looking and available.",
    ),
    *(
        Definition(
            f"cohort.g8.advice.{advice}",
            "school",
            f"… with advice {advice}",
            f"{_COHORT} with a known advice",
        )
        for advice in ADVICES
    ),
    Definition(
        "cohort.g8.havo_vwo_lj3",
        "school",
        "… in vo leerjaar 3 with level havo or vwo in Y+3",
        f"{_COHORT} with a row in Y+3",
        "A pupil who repeated a year is in leerjaar 2 in Y+3 and counts as not havo/vwo; "
        "cohort.g8.afstroom allows the year's delay.",
    ),
    Definition(
        "cohort.g8.vo_diploma",
        "school",
        "… with a vo diploma within its track's nominal duration plus one year: vmbo by "
        "Y+5, havo by Y+6, vwo by Y+7",
        f"{_COHORT} with a row in Y+7",
    ),
    Definition(
        "cohort.g8.havo_vwo_diploma",
        "school",
        "… with a havo diploma by Y+6 or a vwo diploma by Y+7",
        f"{_COHORT} with a row in Y+7",
    ),
    Definition(
        "cohort.g8.afstroom",
        "school",
        "… whose level in vo leerjaar 3 (in Y+3, else in Y+4) is below the lowest track of "
        "their advice (pro < vmbo < havo < vwo; vmbo_havo: vmbo, havo_vwo: havo)",
        f"{_COHORT} with a known advice, in vo leerjaar 3 in Y+3 or Y+4, with a row in Y+4",
        "E4.2, advice against the level per pupil.",
    ),
    Definition(
        "cohort.g8.startkwalificatie_23",
        "school",
        "… with startkwalificatie in the year they turn 23",
        f"{_COHORT} with a row in that year",
    ),
    Definition(
        "diploma.all",
        "school",
        "… with a diploma of the same sector within its nominal duration plus one year "
        "(vmbo 4, havo 5, vwo 6, mbo1 1, mbo2 2, mbo3 3, mbo4 3, hbo 4, wo 4 years)",
        "persons starting leerjaar 1 of vo, mbo or ho in Y (not repeating it) with a row in "
        "the last year of their sector's longest window (vo Y+6, mbo Y+3, ho Y+4)",
        "E4.3, diplomas in vo and vervolgonderwijs; the window is that of the diploma obtained.",
    ),
    Definition(
        "cohort.bijstand.work_y1",
        "calendar",
        "… employed at the end of Y+1",
        f"{_INFLOW} with a row in Y+1",
        "12 to 24 months after inflow (18 on average): year-end snapshots, not spells.",
    ),
    Definition(
        "cohort.bijstand.work_y2",
        "calendar",
        "… employed at the end of Y+2",
        f"{_INFLOW} with a row in Y+2",
        "24 to 36 months after inflow.",
    ),
    Definition(
        "cohort.bijstand.sustained_y2",
        "calendar",
        "… employed at the end of both Y+1 and Y+2",
        f"{_INFLOW} with a row in Y+1 and Y+2",
    ),
    *(
        Definition(
            f"moves.{kind}.{group}",
            "calendar",
            f"… {_INCOME[group]}",
            _MOVES[kind],
            "Income of Y+1 (the first year in the leaf)."
            if kind == "settlers"
            else "Income of Y (the year of the move).",
        )
        for kind in _MOVES
        for group in _INCOME
    ),
)

BY_MEASURE = {d.measure: d for d in DEFINITIONS}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The definition table of ``docs/basismonitor.md``."""
    lines = [
        "| Measure | Period | Numerator | Denominator | Note |",
        "|---|---|---|---|---|",
    ]
    for d in DEFINITIONS:
        lines.append(
            f"| {d.measure} | {PERIODS[d.form]} | {_cell(d.numerator)} | "
            f"{_cell(d.denominator)} | {_cell(d.note)} |"
        )
    return "\n".join(lines) + "\n"
