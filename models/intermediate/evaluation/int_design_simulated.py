"""Minimum detectable effects from pre-baseline data only (see smallfirms.design).

A dbt Python model: inputs sorted so that two builds agree to the bit; the mart `eval_design`
applies the publishing rule. Reads no outcome after 2017-02-28: the placebo windows and the
baseline survey.
"""

from smallfirms.design import DesignSettings, design_table
from smallfirms.memo import memoised


def model(dbt, session):
    dbt.config(materialized="table")
    settings = DesignSettings.from_config(dbt.config.get("inference"))
    inputs = {
        "int_unit_placebo_outcomes": dbt.ref("int_unit_placebo_outcomes"),
        "int_experiment_units": dbt.ref("int_experiment_units"),
        "int_satisfaction_answers_windowed": dbt.ref("int_satisfaction_answers_windowed"),
    }

    def compute():
        placebo = inputs["int_unit_placebo_outcomes"].df()
        placebo = placebo.sort_values(["experiment", "unit_id", "period"], ignore_index=True)
        units = inputs["int_experiment_units"].df()
        units = units.sort_values(["experiment", "unit_id"], ignore_index=True)
        answers = inputs["int_satisfaction_answers_windowed"].df()
        answers = answers[answers["survey_window"] == "baseline_survey"]
        answers = answers.sort_values("answer_id", ignore_index=True)
        return design_table(placebo, units, answers, settings)

    return memoised(dbt, session, __file__, inputs, compute)
