"""Targeting: whom each agency should call, and why (mart `prospect_targeting`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views.common import load

ALL = "all"
QUERIES = {
    "firms": """
        select code_region, code_agence, siret, naf_division, tranche_effectifs,
            lookback_hires, sector_hiring_rate, is_prospect, is_priority_prospect,
            expected_hires_next_6_months, rank_in_agency, is_on_call_list, targeting_reason
        from marts.prospect_targeting
    """,
}


def render() -> None:
    st.title("Targeting")
    st.caption(
        "Eligible small establishments (1–19 employees) at baseline, the prospects among them and "
        "their rank in their agency's call list, with the reason (mart `prospect_targeting`). "
        "Firm-level: for the service's staff."
    )
    firms = load(QUERIES)["firms"]
    regions = [ALL, *sorted(firms["code_region"].dropna().unique())]
    left, right = st.columns(2)
    region = left.selectbox("Region", regions, key="region", bind="query-params")
    in_region = firms if region == ALL else firms[firms["code_region"] == region]
    agencies = [ALL, *sorted(in_region["code_agence"].dropna().unique())]
    agency = right.selectbox("Agency", agencies, key="agency", bind="query-params")
    selected = in_region if agency == ALL else in_region[in_region["code_agence"] == agency]

    prospects = selected[selected["is_prospect"]]
    eligible, n_prospects = len(selected), len(prospects)
    n_priority = int(selected["is_priority_prospect"].sum())
    a, b, c = st.columns(3)
    a.metric("Eligible small firms", data.count(eligible))
    b.metric("Prospects", data.count(n_prospects))
    c.metric("Priority prospects", data.count(n_priority))

    st.subheader("Prospects per agency")
    st.altair_chart(_prospects_chart(in_region), width="stretch")

    st.subheader("Ranked prospects")
    top = st.slider("Prospects listed", 5, 100, 20, step=5)
    if agency == ALL:  # ranks are per agency: across agencies, the score orders the list
        ranked = prospects.sort_values(
            ["expected_hires_next_6_months", "siret"], ascending=[False, True]
        )
    else:
        ranked = prospects.sort_values(["rank_in_agency", "siret"])
    shown = ranked.head(top)
    table = pd.DataFrame(
        {
            "rank in agency": shown["rank_in_agency"].map(data.count),
            "agency": shown["code_agence"],
            "SIRET": shown["siret"],
            "NAF division": shown["naf_division"],
            "headcount band": shown["tranche_effectifs"],
            "look-back hires": shown["lookback_hires"].map(data.count),
            "priority": shown["is_priority_prospect"].map({True: "yes", False: "no"}),
            "expected hires, next 6 months": shown["expected_hires_next_6_months"].map(
                lambda v: data.plain(v, 1)
            ),
            "on the list": shown["is_on_call_list"].map({True: "yes", False: "no"}),
            "reason": shown["targeting_reason"],
        }
    )
    st.caption(
        f"{len(shown)} of {data.count(n_prospects)} prospects, "
        + (
            "by rank in the agency."
            if agency != ALL
            else "by expected hires over the next six months."
        )
    )
    st.table(table, hide_index=True)


def _prospects_chart(firms: pd.DataFrame) -> alt.Chart:
    """Stacked bars: priority and other prospects of each agency of the region."""
    prospects = firms[firms["is_prospect"]]
    counts = (
        prospects.assign(
            kind=prospects["is_priority_prospect"].map(
                {True: "priority prospect", False: "other prospect"}
            )
        )
        .groupby(["code_agence", "kind"], as_index=False)
        .size()
        .rename(columns={"size": "prospects"})
    )
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X(
                "prospects:Q",
                title="prospects",
                stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=alt.Y("code_agence:N", title="agency", sort="-x", axis=alt.Axis(labelOverlap=False)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["priority prospect", "other prospect"], range=["#1f5f99", "#9dbbd6"]
                ),
            ),
            tooltip=["code_agence", "kind", "prospects"],
        )
        .properties(height=alt.Step(18))
    )
