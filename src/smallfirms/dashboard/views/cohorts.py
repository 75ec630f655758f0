"""Cohorts and balance: who is in each experiment and whether the cohorts were alike at baseline."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from smallfirms.dashboard import data
from smallfirms.dashboard.views.common import load, suppression_note

EXPERIMENTS = {"small_firms": "small firms", "large_recruiters": "large recruiters"}
QUERIES = {
    "small": """
        select pilot_agency_code, cohort, count(*) as firms,
            count(*) filter (where is_treated) as contacted
        from marts.cohort_small_firms
        group by pilot_agency_code, cohort
    """,
    "large": """
        select cohort, count(*) as firms from marts.cohort_large_recruiters group by cohort
    """,
    "balance": """
        select experiment, covariate, covariate_order, n_pilot, n_control, mean_pilot,
            mean_control, sd_pooled, smd, is_imbalanced, is_suppressed
        from marts.eval_balance
        order by experiment desc, covariate_order
    """,
    "joint": """
        select experiment, n_units, n_pilot, n_control, vcov_type, f_statistic, df_num, df_den,
            p_value, is_rejected_at_5pct, covariates
        from marts.eval_balance_joint_test
        order by experiment desc
    """,
}


def render() -> None:
    st.title("Cohorts and balance")
    st.caption(
        "Pilot and control cohorts of both experiments (`cohort_small_firms`, "
        "`cohort_large_recruiters`) and their balance at baseline (`eval_balance`, "
        "`eval_balance_joint_test`)."
    )
    tables = load(QUERIES)
    small, large = tables["small"], tables["large"]

    def firms(frame: pd.DataFrame, cohort: str) -> int:
        return int(frame.loc[frame["cohort"] == cohort, "firms"].sum())

    cols = st.columns(5)
    cols[0].metric("Pilot small firms", data.count(firms(small, "pilot")))
    cols[1].metric("Control small firms", data.count(firms(small, "control")))
    cols[2].metric("Pilot firms contacted", data.count(int(small["contacted"].sum())))
    cols[3].metric("Pilot large recruiters", data.count(firms(large, "pilot")))
    cols[4].metric("Control large recruiters", data.count(firms(large, "control")))

    st.subheader("Small firms per agency pair")
    st.altair_chart(_pairs_chart(small), width="stretch")

    balance = tables["balance"]
    st.subheader("Balance at baseline: standardized mean differences")
    st.caption(
        "SMD = (mean pilot − mean control) / pooled sd. Red: flagged as imbalanced by the mart "
        "(|SMD| above the project's threshold)."
    )
    st.altair_chart(_smd_chart(balance), width="stretch")
    st.table(_balance_table(balance), hide_index=True)

    st.subheader("Joint test of orthogonality")
    st.caption("The pilot indicator regressed on all the covariates: F test that every slope is 0.")
    joint = tables["joint"]
    st.table(
        pd.DataFrame(
            {
                "experiment": joint["experiment"].map(EXPERIMENTS),
                "units": joint["n_units"].map(data.count),
                "pilot": joint["n_pilot"].map(data.count),
                "control": joint["n_control"].map(data.count),
                "variance": joint["vcov_type"],
                "F": joint["f_statistic"].map(lambda v: data.plain(v, 2)),
                "df": [
                    f"({data.count(a)}, {data.count(b)})"
                    for a, b in zip(joint["df_num"], joint["df_den"], strict=True)
                ],
                "p-value": joint["p_value"].map(data.p_value),
                "rejected at 5 %": joint["is_rejected_at_5pct"].map({True: "yes", False: "no"}),
                "covariates": joint["covariates"],
            }
        ),
        hide_index=True,
    )
    suppression_note()


def _pairs_chart(small: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(small)
        .mark_bar()
        .encode(
            x=alt.X("firms:Q", title="firms", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("pilot_agency_code:N", title="pair (pilot agency)"),
            yOffset=alt.YOffset("cohort:N", sort=["pilot", "control"]),
            color=alt.Color(
                "cohort:N",
                title="cohort",
                scale=alt.Scale(domain=["pilot", "control"], range=["#1f5f99", "#c2612b"]),
            ),
            tooltip=["pilot_agency_code", "cohort", "firms", "contacted"],
        )
        .properties(height=alt.Step(12))
    )


def _smd_chart(balance: pd.DataFrame) -> alt.LayerChart:
    frame = balance.assign(
        label=balance["experiment"].map(EXPERIMENTS) + ": " + balance["covariate"],
        flag=balance["is_imbalanced"].map({True: "imbalanced", False: "balanced"}),
    )
    shown = frame[~frame["is_suppressed"].fillna(False) & frame["smd"].notna()]
    hidden = frame[frame["is_suppressed"].fillna(False)].assign(text=data.SUPPRESSED, x=0.0)
    order = list(frame["label"])
    bars = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("smd:Q", title="standardized mean difference (pilot − control)"),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                "flag:N",
                title=None,
                scale=alt.Scale(domain=["balanced", "imbalanced"], range=["#6b8fb3", "#c0392b"]),
            ),
            tooltip=["label", "smd", "flag"],
        )
    )
    text = (
        alt.Chart(hidden)
        .mark_text(align="left", fontStyle="italic", color="#8a5a00")
        .encode(x="x:Q", y=alt.Y("label:N", sort=order), text="text:N")
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#444").encode(x="x:Q")
    return alt.layer(bars, text, zero).properties(height=alt.Step(22))


def _balance_table(balance: pd.DataFrame) -> pd.DataFrame:
    hidden = balance["is_suppressed"]

    def column(name: str, formatter) -> list[str]:
        return [data.cell(v, s, formatter) for v, s in zip(balance[name], hidden, strict=True)]

    return pd.DataFrame(
        {
            "experiment": balance["experiment"].map(EXPERIMENTS),
            "covariate": balance["covariate"],
            "n pilot": balance["n_pilot"].map(data.count),
            "n control": balance["n_control"].map(data.count),
            "mean pilot": column("mean_pilot", data.plain),
            "mean control": column("mean_control", data.plain),
            "pooled sd": column("sd_pooled", data.plain),
            "SMD": column("smd", data.signed),
            "imbalanced": column("is_imbalanced", lambda f: "yes" if f else "no"),
        }
    )
