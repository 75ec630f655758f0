"""Satisfaction: satisfied rates of the cohorts and all firms beside the 66 % / 71 % references."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views.common import load, suppression_note

POPULATIONS = {
    "pilot": "pilot cohort",
    "control": "control cohort",
    "all_small_firms": "all small firms",
    "all_firms": "all firms",
}
WINDOWS = {"baseline_survey": "baseline survey", "evaluation_survey": "evaluation survey"}
QUERIES = {
    "satisfaction": """
        select population, survey_window, n_firms, n_answers, n_satisfied, satisfied_rate,
            reference_rate_small_firms, reference_rate_all_firms, is_suppressed
        from marts.eval_satisfaction
    """,
}


def render() -> None:
    st.title("Satisfaction")
    st.caption(
        "Share of satisfied answers (`tres_satisfait` or `satisfait`) per population and survey "
        "window (`eval_satisfaction`), beside the references the mart carries: small firms before "
        "the pilot and all firms."
    )
    rows = load(QUERIES)["satisfaction"]
    rows = rows.assign(
        population_label=rows["population"].map(POPULATIONS).fillna(rows["population"]),
        window_label=rows["survey_window"].map(WINDOWS).fillna(rows["survey_window"]),
    )
    references = _references(rows)
    cols = st.columns(len(references) or 1)
    for col, (label, rate) in zip(cols, references.items(), strict=False):
        col.metric(f"Reference: {label}", data.percent(rate))

    st.subheader("Satisfied rate")
    st.altair_chart(_chart(rows, references), width="stretch")
    hidden = rows["is_suppressed"]
    order = {key: i for i, key in enumerate([*POPULATIONS, *WINDOWS])}
    table = pd.DataFrame(
        {
            "population": rows["population_label"],
            "survey window": rows["window_label"],
            "firms": [data.cell(v, s) for v, s in zip(rows["n_firms"], hidden, strict=True)],
            "answers": [data.cell(v, s) for v, s in zip(rows["n_answers"], hidden, strict=True)],
            "satisfied": [
                data.cell(v, s) for v, s in zip(rows["n_satisfied"], hidden, strict=True)
            ],
            "satisfied rate": [
                data.cell(v, s, data.percent)
                for v, s in zip(rows["satisfied_rate"], hidden, strict=True)
            ],
            "_order": [
                (order.get(p, 99), order.get(w, 99))
                for p, w in zip(rows["population"], rows["survey_window"], strict=True)
            ],
        }
    ).sort_values("_order")
    st.table(table.drop(columns="_order"), hide_index=True)
    suppression_note()


def _references(rows: pd.DataFrame) -> dict[str, float]:
    """The reference rates as the mart states them (vars satisfaction_reference_*)."""
    found: dict[str, float] = {}
    for column, label in [
        ("reference_rate_small_firms", "small firms before the pilot"),
        ("reference_rate_all_firms", "all firms"),
    ]:
        values = rows[column].dropna().unique()
        if len(values):
            found[label] = float(values[0])
    return found


def _chart(rows: pd.DataFrame, references: dict[str, float]) -> alt.LayerChart:
    hidden_mask = rows["is_suppressed"].fillna(False).astype(bool)
    shown = rows[~hidden_mask & rows["satisfied_rate"].notna()].assign(
        shown_rate=lambda f: f["satisfied_rate"].map(data.percent)
    )
    hidden = rows[hidden_mask].assign(text=data.SUPPRESSED, y=0.0)
    x = alt.X(
        "population_label:N",
        title=None,
        sort=list(POPULATIONS.values()),
        axis=alt.Axis(labelAngle=0),
    )
    x_offset = alt.XOffset("window_label:N", sort=list(WINDOWS.values()))
    y_scale = alt.Scale(domain=[0, 1])
    bars = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=x,
            xOffset=x_offset,
            y=alt.Y(
                "satisfied_rate:Q", title="satisfied rate", axis=alt.Axis(format="%"), scale=y_scale
            ),
            color=alt.Color(
                "window_label:N",
                title="survey window",
                scale=alt.Scale(domain=list(WINDOWS.values()), range=["#9dbbd6", "#1f5f99"]),
            ),
            tooltip=["population_label", "window_label", "shown_rate", "n_answers"],
        )
    )
    layers: list[alt.Chart] = [bars]
    if len(hidden):
        layers.append(
            alt.Chart(hidden)
            .mark_text(angle=270, align="left", dx=-4, fontStyle="italic", color="#8a5a00")
            .encode(x=x, xOffset=x_offset, y=alt.Y("y:Q", scale=y_scale), text="text:N")
        )
    if references:
        frame = pd.DataFrame(
            {
                "reference": [
                    f"{label} ({data.percent(rate)})" for label, rate in references.items()
                ],
                "rate": list(references.values()),
            }
        )
        layers.append(
            alt.Chart(frame)
            .mark_rule(strokeDash=[6, 3], strokeWidth=2)
            .encode(
                y=alt.Y("rate:Q", scale=y_scale),
                stroke=alt.Stroke(
                    "reference:N",
                    title="reference",
                    scale=alt.Scale(range=["#c2612b", "#555"]),
                    legend=alt.Legend(labelLimit=320),
                ),
            )
        )
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=360)
