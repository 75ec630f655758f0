"""Effects: the estimates of `eval_effects` with their confidence intervals (forest plots)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views.common import load, suppression_note

EXPERIMENTS = {"small_firms": "small firms", "large_recruiters": "large recruiters"}
FAKE_START = data.window_start("placebo_post")  # the placebo's fake start, from the calendar seed
ESTIMANDS = {
    "ITT": "ITT: effect of pilot assignment",
    "TOT": "TOT: effect per firm contacted because of the pilot",
    "ATT_DR": "doubly robust DiD (large recruiters, enrolment not drawn)",
    "ITT_DiD": "ITT net of the baseline survey (satisfaction)",
    "placebo_time": "placebo in time" + (f" (fake start {FAKE_START:%Y-%m})" if FAKE_START else ""),
}
QUERIES = {
    "effects": """
        select experiment, outcome, subgroup, estimand, estimate, std_error, ci_low, ci_high,
            p_value, p_value_ri, ri_min_p_value, p_value_ri_block, ri_block_min_p_value,
            is_primary, p_value_family, is_descriptive,
            inference, n_pilot, n_control, n_clusters, is_suppressed
        from marts.eval_effects
    """,
}


def subgroup_label(subgroup: str) -> str:
    """`all` → all firms, `region:27` → region 27, `territoire:rural` → territory: rural."""
    if subgroup == "all":
        return "all firms"
    kind, _, value = subgroup.partition(":")
    return f"region {value}" if kind == "region" else f"territory: {value}"


def render() -> None:
    st.title("Effects")
    st.caption(
        "Difference-in-differences estimates of `eval_effects`: per firm over the pilot period "
        "(hires per firm; a share for `any_hire` and `satisfied`), with the confidence interval "
        "and p-value of the method in the `inference` column."
    )
    effects = load(QUERIES)["effects"]
    left, middle, right = st.columns(3)
    experiments = [e for e in EXPERIMENTS if e in set(effects["experiment"])]
    experiment = left.selectbox(
        "Experiment",
        experiments,
        format_func=EXPERIMENTS.get,
        key="experiment",
        bind="query-params",
    )
    of_experiment = effects[effects["experiment"] == experiment]
    estimands = [e for e in ESTIMANDS if e in set(of_experiment["estimand"])]
    estimand = middle.selectbox(
        "Estimand", estimands, format_func=ESTIMANDS.get, key="estimand", bind="query-params"
    )
    of_estimand = of_experiment[of_experiment["estimand"] == estimand]
    outcomes = list(dict.fromkeys(of_estimand["outcome"]))
    outcome = right.selectbox("Outcome", outcomes, key="outcome", bind="query-params")

    overall = of_estimand[of_estimand["subgroup"] == "all"].assign(label=lambda f: f["outcome"])
    st.subheader(f"Every outcome, all firms ({estimand})")
    st.altair_chart(_forest(overall), width="stretch")
    st.table(_effects_table(overall, "outcome"), hide_index=True)

    by_subgroup = of_estimand[of_estimand["outcome"] == outcome]
    by_subgroup = by_subgroup.assign(label=by_subgroup["subgroup"].map(subgroup_label))
    st.subheader(f"{outcome} by subgroup ({estimand})")
    st.altair_chart(_forest(by_subgroup), width="stretch")
    st.table(_effects_table(by_subgroup, "subgroup"), hide_index=True)
    st.caption(
        "Small firms are assigned by agency: wild cluster bootstrap by agency, and randomization "
        "inference over the swaps of pilot and comparison agency within pairs (few pairs in a "
        "region, so a regional RI p-value cannot be small). Large recruiters are assigned firm "
        "by firm: heteroskedasticity-robust (HC1). An interval that reaches 0 cannot tell the "
        "effect from none."
    )
    suppression_note()


def _forest(rows: pd.DataFrame) -> alt.LayerChart:
    """Point estimates with their intervals, a dashed line at 0; suppressed rows as text."""
    hidden_mask = rows["is_suppressed"].fillna(False).astype(bool) | rows["estimate"].isna()
    shown, hidden = rows[~hidden_mask].copy(), rows[hidden_mask].copy()
    finite = [
        v
        for v in pd.concat([shown["ci_low"], shown["ci_high"], shown["estimate"]])
        if not data.absent(v) and math.isfinite(v)
    ]
    low, high = (min(finite + [0.0]), max(finite + [0.0])) if finite else (-1.0, 1.0)
    # An unbounded interval is drawn to the edge of the plot; the table says "unbounded".
    shown["ci_low_drawn"] = shown["ci_low"].clip(lower=low)
    shown["ci_high_drawn"] = shown["ci_high"].clip(upper=high)
    shown["shown_estimate"] = shown["estimate"].map(data.signed)
    shown["shown_interval"] = [
        data.interval(a, b) for a, b in zip(shown["ci_low"], shown["ci_high"], strict=True)
    ]
    order = list(rows["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240))
    x_scale = alt.Scale(domain=[low, high], nice=True)
    tooltip = [
        alt.Tooltip("label:N", title="row"),
        alt.Tooltip("shown_estimate:N", title="estimate"),
        alt.Tooltip("shown_interval:N", title="interval"),
    ]
    whiskers = (
        alt.Chart(shown)
        .mark_rule(strokeWidth=2, color="#1f5f99")
        .encode(
            x=alt.X("ci_low_drawn:Q", title=f"effect ({data.interval_title()})", scale=x_scale),
            x2="ci_high_drawn:Q",
            y=y,
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(shown)
        .mark_point(filled=True, size=70, color="#1f5f99")
        .encode(x=alt.X("estimate:Q", scale=x_scale), y=y, tooltip=tooltip)
    )
    zero = (
        alt.Chart(pd.DataFrame({"x": [0.0]}))
        .mark_rule(strokeDash=[4, 4], color="#555")
        .encode(x=alt.X("x:Q", scale=x_scale))
    )
    layers = [zero, whiskers, points]
    if len(hidden):
        hidden["text"] = [
            data.SUPPRESSED if s else data.MISSING
            for s in hidden["is_suppressed"].fillna(False).astype(bool)
        ]
        hidden["x"] = 0.0
        layers.append(
            alt.Chart(hidden)
            .mark_text(align="left", dx=4, fontStyle="italic", color="#8a5a00")
            .encode(x=alt.X("x:Q", scale=x_scale), y=y, text="text:N")
        )
    return alt.layer(*layers).properties(height=alt.Step(24))


def _effects_table(rows: pd.DataFrame, label: str) -> pd.DataFrame:
    hidden = rows["is_suppressed"]

    def column(values, formatter) -> list[str]:
        return [data.cell(v, s, formatter) for v, s in zip(values, hidden, strict=True)]

    descriptive = rows["is_descriptive"].fillna(False).astype(bool)

    def p_column(values) -> list[str]:
        """A p-value, or "descriptive" for a subgroup of 3 treated clusters (no confirmatory p)."""
        cells = column(values, data.p_value)
        return ["descriptive" if d else c for c, d in zip(cells, descriptive, strict=True)]

    return pd.DataFrame(
        {
            label: rows["label"],
            "estimate": column(rows["estimate"], data.signed),
            data.interval_title(): [
                data.SUPPRESSED if s else data.interval(a, b)
                for a, b, s in zip(rows["ci_low"], rows["ci_high"], hidden, strict=True)
            ],
            "std. error": column(rows["std_error"], data.plain),
            "primary": rows["is_primary"].map({True: "yes", False: ""}),
            "p-value": p_column(rows["p_value"]),
            "p-value (family, Romano–Wolf)": p_column(rows["p_value_family"]),
            "p-value (RI, pairs)": p_column(rows["p_value_ri"]),
            "smallest RI p (pairs)": column(rows["ri_min_p_value"], data.p_value),
            "p-value (RI, blocks)": p_column(rows["p_value_ri_block"]),
            "smallest RI p (blocks)": column(rows["ri_block_min_p_value"], data.p_value),
            "pilot": rows["n_pilot"].map(data.count),
            "control": rows["n_control"].map(data.count),
            "clusters": rows["n_clusters"].map(data.count),
            "inference": rows["inference"],
        }
    )
