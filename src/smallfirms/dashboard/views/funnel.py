"""Service funnel: prospects → contacted → served → collective action → offer → hired."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views.common import load, suppression_note

ALL = "all"
QUERIES = {
    "funnel": """
        select code_agence, is_total, stage_order, stage, n_firms, share_of_prospects,
            share_of_contacted, is_suppressed
        from marts.eval_service_funnel
        order by is_total desc, code_agence, stage_order
    """,
}


def render() -> None:
    st.title("Service funnel")
    st.caption(
        "Pilot period, per pilot agency and overall (`eval_service_funnel`). The stages after "
        "`contacted` count contacted firms only."
    )
    funnel = load(QUERIES)["funnel"]
    agencies = list(dict.fromkeys(funnel["code_agence"]))
    agency = st.selectbox(
        "Agency",
        agencies,
        format_func=lambda a: "all pilot agencies" if a == ALL else a,
        key="funnel_agency",
        bind="query-params",
    )
    rows = funnel[funnel["code_agence"] == agency].sort_values("stage_order")
    st.subheader(f"Firms at each stage: {'all pilot agencies' if agency == ALL else agency}")
    st.altair_chart(_chart(rows), width="stretch")

    st.subheader("Every agency and stage")
    st.caption("Firms at the stage, and their share of the agency's prospects.")
    st.table(pivot(funnel), hide_index=True)
    suppression_note()


def pivot(funnel: pd.DataFrame) -> pd.DataFrame:
    """One row per agency (the total first), one column per stage: "n (share)" or suppressed."""
    stages = funnel[["stage_order", "stage"]].drop_duplicates().sort_values("stage_order")["stage"]
    table = []
    for agency, rows in funnel.groupby("code_agence", sort=False):
        by_stage = rows.set_index("stage")
        line = {"agency": "all pilot agencies" if agency == ALL else agency}
        for stage in stages:
            if stage not in by_stage.index:
                line[stage] = data.MISSING
                continue
            row = by_stage.loc[stage]
            line[stage] = data.cell(
                (row["n_firms"], row["share_of_prospects"]),
                row["is_suppressed"],
                lambda v: f"{data.count(v[0])} ({data.percent(v[1])})",
            )
        table.append(line)
    return pd.DataFrame(table)


def _chart(rows: pd.DataFrame) -> alt.LayerChart:
    hidden_mask = rows["is_suppressed"].fillna(False).astype(bool)
    shown = rows[~hidden_mask & rows["n_firms"].notna()].assign(
        share=lambda f: f["share_of_prospects"].map(data.percent)
    )
    hidden = rows[hidden_mask].assign(text=data.SUPPRESSED, x=0.0)
    y = alt.Y("stage:N", title=None, sort=list(rows["stage"]))
    bars = (
        alt.Chart(shown)
        .mark_bar(color="#1f5f99")
        .encode(
            x=alt.X("n_firms:Q", title="firms", axis=alt.Axis(tickMinStep=1, format="d")),
            y=y,
            tooltip=["stage", "n_firms", "share"],
        )
    )
    labels = (
        alt.Chart(shown).mark_text(align="left", dx=4).encode(x="n_firms:Q", y=y, text="n_firms:Q")
    )
    layers = [bars, labels]
    if len(hidden):
        layers.append(
            alt.Chart(hidden)
            .mark_text(align="left", dx=4, fontStyle="italic", color="#8a5a00")
            .encode(x="x:Q", y=y, text="text:N")
        )
    return alt.layer(*layers).properties(height=alt.Step(30))
