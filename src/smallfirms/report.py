"""Write the evaluation report: one self-contained HTML file from the published marts.

    python -m smallfirms.report --database data/published/warehouse.duckdb \
        --out data/report/evaluation.html

Every number comes from a mart (`eval_effects`, `eval_satisfaction`, `eval_service_funnel`,
`eval_balance`, `eval_balance_joint_test`, `eval_monthly_outcomes`, `eval_design`,
`eval_event_study`, `score_validation`); the report only formats and draws. Charts are matplotlib
SVG inlined in the page (no script, no external resource, no URL at all); a fixed hash salt and no
date make two runs byte-identical. A mart that is missing is skipped with a note. A suppressed cell
(publishing rule) is written "suppressed", never drawn or written as 0.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import math
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from smallfirms.formatting import MISSING, absent, month_span, p_value, percent_label  # noqa: E402
from smallfirms.project import calendar, project_vars  # noqa: E402
from smallfirms.score_validation import TOP_SHARE  # noqa: E402

plt.rcParams.update(
    {
        "svg.hashsalt": "smallfirms-report",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

SUPPRESSED = "suppressed"
UNBOUNDED = "unbounded"
PILOT_COLOUR, CONTROL_COLOUR, OTHER_COLOUR = "#1f5f99", "#c2612b", "#6b6b6b"
SELECTION_COLOUR = "#c99a2e"  # months of the look-back window, which selected the cohorts
SUPPRESSED_COLOUR = "#8a5a00"
SMD_THRESHOLD = float(project_vars()["imbalance_smd_threshold"])
# What the text says of the parameters, from the vars and the calendar seed: "95 %", the pilot.
CONFIDENCE = percent_label(project_vars()["confidence_level"])
PILOT_START, PILOT_END = calendar()["pilot"]

STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 62rem; margin: 2rem auto; }
body { color: #222; line-height: 1.45; padding: 0 1rem; } h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.2rem 0.55rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: #555; font-size: 0.85rem; } .suppressed { color: #8a5a00; font-style: italic; }
svg { max-width: 100%; height: auto; } svg text { font-family: inherit !important; }
"""


class ReportError(Exception):
    """A problem the user can fix; its message is the one line shown."""


def fmt(value: object, digits: int = 3) -> str:
    """An estimate or a count as the report writes it (the tests use it to find figures).

    Floats are signed (+0.205, -0.012), infinite ones "unbounded"; integers get a space as
    thousands separator (1 637)."""
    if absent(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    if isinstance(value, float):
        if math.isinf(value):
            return UNBOUNDED
        return f"{value:+.{digits}f}" if digits >= 0 else f"{value:.0f}"
    return str(value)


def fmt_plain(value: object, digits: int = 3) -> str:
    """A statistic without sign: a standard error, an F statistic, an MDE (0.044, 1.31)."""
    if absent(value):
        return MISSING
    if isinstance(value, float) and math.isinf(value):
        return UNBOUNDED
    return f"{float(value):,.{digits}f}".replace(",", " ")


def fmt_ci(low: object, high: object) -> str:
    return f"[{fmt(low)}, {fmt(high)}]"


def share(value: object) -> str:
    if absent(value):
        return MISSING
    return f"{100 * float(value):.1f} %"


def _svg(figure: plt.Figure) -> str:
    """The figure as an SVG element to inline: no XML prolog, no metadata, no URL, unique ids."""
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None}
    )
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    # HTML needs no namespace declarations on inline SVG; dropping them leaves no URL in the page
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    # matplotlib numbers its ids per figure (figure_1, axes_1 …): prefix them so that the
    # charts of one page do not share ids; the prefix is a hash of the chart, hence stable
    prefix = "c" + hashlib.sha256(text.encode()).hexdigest()[:8]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text).strip()


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            classes = []
            if index in numeric:
                classes.append("n")
            if cell == SUPPRESSED:
                classes.append("suppressed")
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attribute}>{html.escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [
        # a DECIMAL column (a hand-made mart) reads as float, like the DOUBLE ones dbt writes
        {n: float(v) if isinstance(v, Decimal) else v for n, v in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def _has(con: duckdb.DuckDBPyConnection, table: str, *columns: str) -> bool:
    """Whether marts.<table> exists (with these columns, for a mart whose layout changed)."""
    found = {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }
    return bool(found) and set(columns) <= found


def _missing(table: str) -> str:
    return f'<p class="note">marts.{html.escape(table)} is not in this warehouse: skipped.</p>'


def _text_at_left(axis: plt.Axes, y: float, text: str) -> None:
    """A word in a chart row where a figure is missing, away from the value 0."""
    side = blended_transform_factory(axis.transAxes, axis.transData)
    axis.text(
        0.01,
        y,
        text,
        transform=side,
        va="center",
        fontsize=8,
        style="italic",
        color=SUPPRESSED_COLOUR,
    )


# ---------------------------------------------------------------------------------------------


def _month(day: date) -> str:
    """March 2017."""
    return f"{day:%B %Y}"


def section_header(con: duckdb.DuckDBPyConnection) -> str:
    windows = ""
    if con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'seeds' and table_name = 'experiment_calendar'"
    ).fetchone()[0]:
        rows = _rows(con, "select * from seeds.experiment_calendar order by start_date, end_date")
        windows = _table(
            ["window", "start", "end"],
            [[str(r["window_name"]), str(r["start_date"]), str(r["end_date"])] for r in rows],
        )
    return f"""
<h1>Evaluation of the small-firm and large-recruiter experiments</h1>
<p>From {_month(PILOT_START)} to {_month(PILOT_END)}, counsellors of pilot agencies in Grand Est,
Pays de la Loire and Bourgogne-Franche-Comté prospected small firms (1–19 employees) with high
recruitment potential and brought them services and collective actions; comparison agencies,
matched pair by pair, did not. In parallel, the large firms that recruit most through the service
were pushed to hire the jobseekers furthest from employment.</p>
<p><b>How to read an estimate.</b> It is the average effect per firm over the pilot period (a share
for "any hire" and "satisfied"). Small firms were assigned by agency and there are few agencies:
the {CONFIDENCE} interval and the p-value come from the wild cluster bootstrap by agency (Webb
weights), which stays honest with few clusters where the usual clustered (CRV1) standard errors
would overstate certainty; an interval can be unbounded on one side (an arrow in the charts). The
randomization-inference p-value (swapping pilot and comparison agency within pairs) is a second
opinion; it cannot fall below one over the number of assignments. <i>ITT</i> is the effect of being
in a pilot agency, <i>TOT</i> the effect per firm actually contacted. Large recruiters were enrolled
firm by firm: heteroskedasticity-robust (HC1) errors. A cell hidden by the publishing rule (fewer
than {project_vars()["publish_min_firms"]} firms, or one firm above
{percent_label(project_vars()["publish_max_firm_share"])} of the total) reads "suppressed".</p>
{windows}
"""


def _forest(rows: list[dict[str, object]], labels: list[str], title: str) -> str:
    """Estimates and intervals, one row each; an unbounded end is an arrow at the edge."""
    shown = [r for r in rows if not r["is_suppressed"] and not absent(r["estimate"])]
    values = [0.0] + [float(r["estimate"]) for r in shown]
    values += [float(r[b]) for r in shown for b in ("ci_low", "ci_high") if not absent(r[b])]
    values = [v for v in values if math.isfinite(v)]
    pad = 0.08 * (max(values) - min(values)) or 1.0
    left, right = min(values) - pad, max(values) + pad
    figure, axis = plt.subplots(figsize=(7.5, 0.32 * len(rows) + 0.9))
    axis.set_xlim(left, right)
    for position, row in enumerate(reversed(rows)):
        if row["is_suppressed"] or absent(row["estimate"]):
            _text_at_left(axis, position, SUPPRESSED if row["is_suppressed"] else MISSING)
            continue
        estimate = float(row["estimate"])
        low = estimate if absent(row["ci_low"]) else float(row["ci_low"])
        high = estimate if absent(row["ci_high"]) else float(row["ci_high"])
        axis.plot([max(low, left), min(high, right)], [position] * 2, color=PILOT_COLOUR, lw=1.6)
        for end, edge, marker in ((low, left, "<"), (high, right, ">")):
            if math.isinf(end):
                axis.plot([edge], [position], marker, color=PILOT_COLOUR, ms=5, clip_on=False)
        axis.plot([estimate], [position], "o", color=PILOT_COLOUR, markersize=4)
        side = blended_transform_factory(axis.transAxes, axis.transData)
        axis.text(
            1.01,
            position,
            f"{fmt(estimate)} {fmt_ci(row['ci_low'], row['ci_high'])}",
            transform=side,
            va="center",
            fontsize=7,
        )
    axis.axvline(0, color="#888", linewidth=0.8, linestyle="--")
    axis.set_yticks(range(len(rows)), list(reversed(labels)))
    axis.set_ylim(-0.7, len(rows) - 0.3)
    axis.set_title(title, fontsize=9)
    return _svg(figure)


def _ri(value: object, floor: object) -> str:
    """A randomization p-value with the smallest its permutation set can reach: 0.031 (≥ 0.004)."""
    if absent(value):
        return MISSING
    return p_value(value) + ("" if absent(floor) else f" (≥ {p_value(floor)})")


def _effect_rows(rows: list[dict[str, object]]) -> list[list[str]]:
    table = []
    for r in rows:
        if r["is_suppressed"]:
            values = [SUPPRESSED] * 7
        elif r.get("is_descriptive"):  # a subgroup of 3 treated clusters: no confirmatory p-value
            values = [fmt(r["estimate"]), fmt_ci(r["ci_low"], r["ci_high"])]
            values += [DESCRIPTIVE] * 4 + [fmt_plain(r["std_error"])]
        else:
            values = [
                fmt(r["estimate"]),
                fmt_ci(r["ci_low"], r["ci_high"]),
                p_value(r["p_value"]) + (" (primary)" if r.get("is_primary") else ""),
                p_value(r.get("p_value_family")),
                _ri(r.get("p_value_ri"), r.get("ri_min_p_value")),
                _ri(r.get("p_value_ri_block"), r.get("ri_block_min_p_value")),
                fmt_plain(r["std_error"]),
            ]
        table.append(
            [
                str(r["experiment"]),
                str(r["outcome"]),
                str(r["subgroup"]),
                str(r["estimand"]),
                *values,
                fmt(r.get("n_ri_assignments")),
                fmt(r["n_pilot"]),
                fmt(r["n_control"]),
                fmt(r["n_clusters"]),
            ]
        )
    return table


EFFECT_HEADERS = ["experiment", "outcome", "subgroup", "estimand", "estimate", f"{CONFIDENCE} CI"]
EFFECT_HEADERS += ["p", "p (family, Romano–Wolf)"]
EFFECT_HEADERS += ["p (RI, pairs)", "p (RI, blocks)", "SE", "RI draws", "pilot", "control"]
EFFECT_HEADERS += ["clusters"]
EFFECT_NUMERIC = set(range(4, 15))
# In place of a subgroup's p-values: 3 treated clusters, descriptive only (experiments.md).
DESCRIPTIVE = "descriptive"


def section_effects(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_effects"):
        return _missing("eval_effects")
    rows = _rows(
        con,
        "select * from marts.eval_effects order by experiment desc, outcome, subgroup, estimand",
    )
    small_all = [
        r
        for r in rows
        if r["experiment"] == "small_firms"
        and r["subgroup"] == "all"
        and r["estimand"] in ("ITT", "TOT", "ITT_DiD")
    ]
    by_subgroup = [
        r
        for r in rows
        if r["experiment"] == "small_firms" and r["outcome"] == "hires" and r["estimand"] == "ITT"
    ]
    large = [r for r in rows if r["experiment"] == "large_recruiters"]
    parts = ["<h2>Effects</h2>"]
    for chart_rows, labels, title in (
        (
            small_all,
            [f"{r['outcome']} ({r['estimand']})" for r in small_all],
            f"Small firms, all pilot agencies: estimate and {CONFIDENCE} interval "
            "(wild cluster bootstrap)",
        ),
        (
            by_subgroup,
            [str(r["subgroup"]) for r in by_subgroup],
            "Small firms, hires per firm (ITT) by subgroup",
        ),
        (large, [str(r["outcome"]) for r in large], "Large recruiters (ITT, HC1 errors)"),
    ):
        if chart_rows:
            parts.append(_forest(chart_rows, labels, title))
        else:
            parts.append(f'<p class="note">{html.escape(title)}: no estimate in the mart.</p>')
    parts.append(_table(EFFECT_HEADERS, _effect_rows(rows), numeric=EFFECT_NUMERIC))
    return "\n".join(parts)


def section_satisfaction(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_satisfaction"):
        return _missing("eval_satisfaction")
    rows = _rows(con, "select * from marts.eval_satisfaction order by population, survey_window")
    order = ["pilot", "control", "all_small_firms", "all_firms"]
    windows = [("baseline_survey", OTHER_COLOUR), ("evaluation_survey", PILOT_COLOUR)]
    figure, axis = plt.subplots(figsize=(7.5, 2.8))
    width = 0.38
    handles: list[object] = []
    for offset, (window, colour) in enumerate(windows):
        handles.append(Patch(color=colour, label=window.replace("_", " ")))
        for index, population in enumerate(order):
            cell = next(
                (r for r in rows if r["population"] == population and r["survey_window"] == window),
                None,
            )
            x = index + (offset - 0.5) * width
            if cell is None:
                continue
            if cell["is_suppressed"] or absent(cell["satisfied_rate"]):
                text = SUPPRESSED if cell["is_suppressed"] else MISSING
                axis.text(
                    x,
                    0.02,
                    text,
                    rotation=90,
                    ha="center",
                    color=SUPPRESSED_COLOUR,
                    fontsize=7,
                    style="italic",
                )
                continue
            axis.bar(x, cell["satisfied_rate"], width=width * 0.95, color=colour)
            axis.text(
                x,
                cell["satisfied_rate"] + 0.01,
                share(cell["satisfied_rate"]),
                ha="center",
                va="bottom",
                fontsize=6.5,
            )
    for column, who, style in (
        ("reference_rate_small_firms", "small firms", "--"),
        ("reference_rate_all_firms", "all firms", ":"),
    ):
        reference = next((r[column] for r in rows if not absent(r[column])), None)
        if reference is not None:
            handles.append(
                axis.axhline(
                    reference,
                    color="#a0522d",
                    linestyle=style,
                    linewidth=1,
                    label=f"reference, {who}: {share(reference)}",
                )
            )
    axis.set_xticks(range(len(order)), order)
    axis.set_ylim(0, 1)
    axis.set_ylabel("satisfied share")
    axis.legend(
        handles=handles,
        fontsize=7,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=4,
        frameon=False,
    )
    table = [
        [
            str(r["population"]),
            str(r["survey_window"]),
            fmt(r["n_firms"]),
            SUPPRESSED if r["is_suppressed"] else fmt(r["n_answers"]),
            SUPPRESSED if r["is_suppressed"] else share(r["satisfied_rate"]),
            share(r["reference_rate_small_firms"]),
            share(r["reference_rate_all_firms"]),
        ]
        for r in rows
    ]
    headers = ["population", "survey", "firms", "answers", "satisfied", "ref. small", "ref. all"]
    body = _table(headers, table, numeric={2, 3, 4, 5, 6})
    return "<h2>Satisfaction</h2>" + _svg(figure) + body + _satisfaction_bounds(con)


def _satisfaction_bounds(con: duckdb.DuckDBPyConnection) -> str:
    """Response rates by arm first, then the respondents' difference and its Lee bounds."""
    if not _has(con, "eval_satisfaction_bounds", "lee_lower_bound"):
        return ""
    rows = _rows(con, "select * from marts.eval_satisfaction_bounds order by survey_window")
    table = [
        [
            str(r["survey_window"]),
            share(r["pilot_response_rate"]),
            share(r["control_response_rate"]),
            SUPPRESSED if r["is_suppressed"] else fmt(r["respondent_difference"]),
            SUPPRESSED
            if r["is_suppressed"]
            else fmt_ci(r["lee_lower_bound"], r["lee_upper_bound"]),
        ]
        for r in rows
    ]
    headers = ["survey", "pilot response", "control response", "respondents' difference"]
    headers += ["Lee bounds"]
    note = (
        '<p class="note">Contacted firms answer more often, so the satisfied shares of the two '
        "arms' respondents compare unlike firms: their difference is not the cohort's effect. "
        "Lee's bounds trim the arm that answered more and say what the effect can be among firms "
        "that would answer in either arm.</p>"
    )
    return note + _table(headers, table, numeric={1, 2, 3, 4})


def section_funnel(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_service_funnel"):
        return _missing("eval_service_funnel")
    rows = _rows(con, "select * from marts.eval_service_funnel order by code_agence, stage_order")
    overall = [r for r in rows if r["is_total"]]
    figure, axis = plt.subplots(figsize=(7.5, 2.4))
    for position, r in enumerate(reversed(overall)):
        if r["is_suppressed"] or absent(r["n_firms"]):
            _text_at_left(axis, position, SUPPRESSED if r["is_suppressed"] else MISSING)
            continue
        axis.barh(position, r["n_firms"], color=PILOT_COLOUR)
        axis.text(r["n_firms"], position, f" {fmt(r['n_firms'])}", va="center", fontsize=8)
    axis.set_yticks(range(len(overall)), [str(r["stage"]) for r in reversed(overall)])
    axis.set_title("Service funnel of the pilot period, all pilot agencies (firms)", fontsize=9)
    table = [
        [
            str(r["code_agence"]),
            str(r["stage"]),
            SUPPRESSED if r["is_suppressed"] else fmt(r["n_firms"]),
            SUPPRESSED if r["is_suppressed"] else share(r["share_of_prospects"]),
            SUPPRESSED if r["is_suppressed"] else share(r["share_of_contacted"]),
        ]
        for r in rows
    ]
    note = (
        '<p class="note">The stages after "contacted" count contacted firms only, so their '
        "share of contacted firms reads as a conversion.</p>"
    )
    headers = ["agency", "stage", "firms", "of prospects", "of contacted"]
    return "<h2>Service funnel</h2>" + _svg(figure) + note + _table(headers, table, {2, 3, 4})


def section_balance(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_balance"):
        return _missing("eval_balance")
    rows = _rows(con, "select * from marts.eval_balance order by experiment desc, covariate_order")
    figure, axis = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 0.9))
    labels = []
    for position, r in enumerate(reversed(rows)):
        labels.append(f"{r['experiment']}: {r['covariate']}")
        # eval_balance may or may not carry is_suppressed
        if r.get("is_suppressed") or absent(r["smd"]):
            _text_at_left(axis, position, SUPPRESSED if r.get("is_suppressed") else MISSING)
            continue
        colour = CONTROL_COLOUR if r["is_imbalanced"] else PILOT_COLOUR
        axis.plot([r["smd"]], [position], "o", color=colour)
    for line in (-SMD_THRESHOLD, SMD_THRESHOLD):
        axis.axvline(line, color="#888", linestyle="--", linewidth=0.8)
    axis.axvline(0, color="#bbb", linewidth=0.8)
    axis.set_yticks(range(len(rows)), labels)
    axis.set_title(
        f"Love plot: standardized mean differences at baseline (|SMD| > {SMD_THRESHOLD:g} flagged)",
        fontsize=9,
    )
    parts = ["<h2>Balance at baseline</h2>", _svg(figure)]
    if _has(con, "eval_balance_joint_test"):
        tests = _rows(con, "select * from marts.eval_balance_joint_test order by experiment desc")
        parts.append(
            _table(
                ["experiment", "units", "variance", "F", "df", "p-value"],
                [
                    [
                        str(t["experiment"]),
                        fmt(t["n_units"]),
                        str(t["vcov_type"]),
                        fmt_plain(t["f_statistic"], 2),
                        f"({fmt(t['df_num'])}, {fmt(t['df_den'])})",
                        p_value(t["p_value"]),
                    ]
                    for t in tests
                ],
                numeric={1, 3, 4, 5},
            )
        )
    else:
        parts.append(_missing("eval_balance_joint_test"))
    return "\n".join(parts)


def section_monthly(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_monthly_outcomes"):
        return _missing("eval_monthly_outcomes")
    rows = _rows(
        con, "select * from marts.eval_monthly_outcomes order by experiment, cohort, month_start"
    )

    def value(r: dict[str, object], column: str) -> float:
        # a suppressed or empty month is a gap in the line, never a 0
        if r["is_suppressed"] or absent(r[column]) or not r["n_units"]:
            return math.nan
        if column == "furthest_jobseeker_hires":  # per firm: the cohorts differ in size
            return float(r[column]) / float(r["n_units"])
        return float(r[column])

    figure, axes = plt.subplots(1, 2, figsize=(9, 2.8))
    for axis, experiment, column, title in (
        (axes[0], "small_firms", "hires_per_unit", "Small firms: hires per firm and month"),
        (
            axes[1],
            "large_recruiters",
            "furthest_jobseeker_hires",
            "Large recruiters: furthest-from-employment hires per firm",
        ),
    ):
        for cohort, colour in (("pilot", PILOT_COLOUR), ("control", CONTROL_COLOUR)):
            points = [r for r in rows if r["experiment"] == experiment and r["cohort"] == cohort]
            axis.plot(
                [r["months_from_pilot_start"] for r in points],
                [value(r, column) for r in points],
                marker=".",
                color=colour,
                label=cohort,
            )
        axis.axvline(0, color="#888", linestyle="--", linewidth=0.8, label="pilot start")
        axis.set_ylim(bottom=0)
        axis.set_title(title, fontsize=9)
        axis.set_xlabel(f"months from the pilot start ({PILOT_START:%Y-%m} = 0)")
        axis.legend(fontsize=7)
    n_suppressed = sum(1 for r in rows if r["is_suppressed"])
    note = f'<p class="note">{n_suppressed} monthly cells suppressed (gaps in the lines).</p>'
    return "<h2>Monthly outcomes around the baseline</h2>" + _svg(figure) + note


def section_design(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_design"):
        return _missing("eval_design")
    rows = _rows(con, "select * from marts.eval_design order by experiment desc, outcome")
    table = [
        [
            str(r["experiment"]),
            str(r["outcome"]),
            str(r["design_data"]),
            SUPPRESSED if r["is_suppressed"] else fmt_plain(r["mde_simulated"]),
            SUPPRESSED if r["is_suppressed"] else fmt_plain(r["mde_analytic"]),
            SUPPRESSED if r["is_suppressed"] else fmt_plain(r["intra_cluster_correlation"]),
            fmt(r["n_assignments"]),
            *(share(r.get(f"size_{test}")) for test in ("crv1", "wild_bootstrap", "randomization")),
        ]
        for r in rows
    ]
    headers = ["experiment", "outcome", "data", "MDE simulated", "MDE analytic", "ICC", "draws"]
    headers += ["size CRV1", "size wild bootstrap", "size RI"]
    text = (
        "<h2>What this pilot could detect before it started</h2>"
        f"<p>Minimum detectable effects ({percent_label(project_vars()['design_power'])} power, "
        f"{percent_label(1 - float(project_vars()['confidence_level']))} level) from pre-baseline "
        "data only: the evaluation's own test run on placebo assignments of the agency pairs. "
        "The sizes are each test's share of p &lt; 5 % over those assignments, where no effect "
        "can be (about 5 % for a test that keeps its promise).</p>"
    )
    return text + _table(headers, table, numeric={3, 4, 5, 6, 7, 8, 9})


def section_event_study(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con, "eval_event_study"):
        return _missing("eval_event_study")
    rows = _rows(con, "select * from marts.eval_event_study order by months_from_pilot_start")
    figure, axis = plt.subplots(figsize=(7.5, 2.8))
    for r in rows:
        if r["is_suppressed"] or absent(r["estimate"]):
            continue
        month = r["months_from_pilot_start"]
        colour = OTHER_COLOUR if month < 0 else PILOT_COLOUR
        if r.get("is_selection_window"):  # selected the cohorts: shown, not judged
            colour = SELECTION_COLOUR
        if not absent(r["ci_low"]) and not absent(r["ci_high"]):
            axis.plot([month, month], [r["ci_low"], r["ci_high"]], color=colour, linewidth=1.2)
        axis.plot([month], [r["estimate"]], "o", color=colour, markersize=3)
    axis.axhline(0, color="#888", linewidth=0.8)
    axis.axvline(-0.5, color="#888", linestyle="--", linewidth=0.8)
    axis.set_xlabel("months from the pilot start (reference: the pre period's mean)")
    axis.set_title(
        f"Event study: small-firm hires per firm, pilot − control, {CONFIDENCE} intervals",
        fontsize=9,
    )
    joint = rows[0] if rows else {}
    text = (
        f'<p class="note">Joint test that the {fmt(joint.get("n_leads"))} leads are zero: largest '
        f"|t| {fmt_plain(joint.get('leads_max_abs_t'), 2)}, wild bootstrap p-value "
        f"{p_value(joint.get('leads_joint_p_value'))}. The leads are the months before the pilot "
        "outside the pre period (the reference) and the look-back window; the look-back window's "
        "months (in ochre) selected the cohorts, so they cannot judge pre-trends.</p>"
    )
    placebo = ""
    if _has(con, "eval_effects"):
        found = _rows(
            con,
            "select * from marts.eval_effects where estimand = 'placebo_time' order by outcome",
        )
        if found:
            fake_start = calendar()["placebo_post"][0]
            placebo = f"<p>Placebo in time (fake start {fake_start}, pre-baseline data):</p>"
            placebo += _table(EFFECT_HEADERS, _effect_rows(found), numeric=EFFECT_NUMERIC)
    return "<h2>Pre-trends</h2>" + _svg(figure) + text + placebo


def section_score_validation(con: duckdb.DuckDBPyConnection) -> str:
    columns = ("population", "method", "top_share", "hires_captured_share", "n_firms")
    if not _has(con, "score_validation", *columns):
        return _missing("score_validation")
    rows = _rows(con, "select * from marts.score_validation order by population, method, top_share")
    colours = {
        "shipped_score": PILOT_COLOUR,
        "lbb": "#2b8a3e",
        "lbb_extended": "#8ce99a",
        "sector_rate": CONTROL_COLOUR,
        "random": OTHER_COLOUR,
    }
    figure, axes = plt.subplots(1, 2, figsize=(9, 3))
    for axis, population in zip(axes, ("all_eligible", "non_recruiters"), strict=True):
        for method, colour in colours.items():
            points = [r for r in rows if r["population"] == population and r["method"] == method]
            axis.plot(
                [0.0] + [r["top_share"] for r in points],
                [0.0] + [r["hires_captured_share"] for r in points],
                marker=".",
                color=colour,
                label=method,
            )
        axis.set_title(f"Capture curve, {population}", fontsize=9)
        axis.set_xlabel("top share of the list")
        axis.legend(fontsize=7)
    summary = []
    if _has(con, "score_validation_summary", "hires_per_call", "predicted_observed_ratio"):
        summary = _rows(
            con,
            "select * from marts.score_validation_summary "
            "order by population, top_decile_capture desc, method",
        )
    table = _table(
        [
            "population",
            "method",
            "firms",
            f"hires captured by the top {percent_label(TOP_SHARE)}",
            "hires per call at capacity",
            "predicted / observed",
        ],
        [
            [
                str(r["population"]),
                str(r["method"]),
                fmt(r["n_firms"]),
                share(r["top_decile_capture"]),
                fmt_plain(r["hires_per_call"], 2),
                fmt_plain(r["predicted_observed_ratio"], 2),
            ]
            for r in summary
        ],
        numeric={2, 3, 4, 5},
    )
    text = (
        "<h2>Score validation</h2><p>Share of the first pilot half-year's hires "
        f"({month_span(calendar()['pilot_half_year_1'])}) made by the top of each ranking, "
        "eligible small firms of non-pilot agencies; at capacity, each agency calls its first "
        f"{project_vars()['calls_per_agency']} firms of the population. A synthetic world shows "
        "the mechanism, not the real-world gain.</p>"
    )
    return text + _svg(figure) + table


SECTIONS: list[Callable[[duckdb.DuckDBPyConnection], str]] = [
    section_header,
    section_effects,
    section_satisfaction,
    section_funnel,
    section_balance,
    section_monthly,
    section_design,
    section_event_study,
    section_score_validation,
]


def render(database: Path) -> str:
    if not database.is_file():
        raise ReportError(f"cannot open {database}: no such file")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open {database}: {str(error).splitlines()[0]}") from None
    try:
        with con:
            body = "\n".join(section(con) for section in SECTIONS)
    except duckdb.Error as error:  # a mart with an unexpected layout
        raise ReportError(f"cannot read {database}: {str(error).splitlines()[0]}") from None
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Evaluation report</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="the published marts")
    parser.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    args = parser.parse_args(argv)
    try:
        page = render(args.database)
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            partial = args.out.with_name(f".{args.out.name}.partial")
            partial.write_text(page, encoding="utf-8")
            os.replace(partial, args.out)  # a reader never sees half a report
        except OSError as error:
            raise ReportError(f"cannot write {args.out}: {error.strerror or error}") from None
    except ReportError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    print(f"report written to {args.out} ({len(page) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
