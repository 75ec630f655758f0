"""The effects of both experiments before the publishing rule (see smallfirms.estimate).

A dbt Python model so that the estimates are part of `dbt build`: it reads the outcome panel, the
units and the survey answers, and hands them to `smallfirms.estimate` (the project's package,
installed in the same environment as dbt). Inputs are sorted because DuckDB returns rows in no
fixed order and the bootstrap weights are drawn per cluster in label order: two builds then agree
to the bit.
The mart `eval_effects` applies the publishing rule to this table.
"""

from smallfirms.estimate import Settings, estimate_effects
from smallfirms.memo import memoised


def model(dbt, session):
    dbt.config(materialized="table")
    inference = dbt.config.get("inference")
    settings = Settings.from_config(inference)
    inputs = {
        "int_unit_period_outcomes": dbt.ref("int_unit_period_outcomes"),
        "int_experiment_units": dbt.ref("int_experiment_units"),
        "int_satisfaction_answers_windowed": dbt.ref("int_satisfaction_answers_windowed"),
        "int_unit_placebo_outcomes": dbt.ref("int_unit_placebo_outcomes"),
        "int_large_recruiters_assigned": dbt.ref("int_large_recruiters_assigned"),
    }

    def compute():
        periods = inputs["int_unit_period_outcomes"].df()
        periods = periods.sort_values(["experiment", "unit_id", "period"], ignore_index=True)
        units = inputs["int_experiment_units"].df()
        units = units.sort_values(["experiment", "unit_id"], ignore_index=True)
        answers = inputs["int_satisfaction_answers_windowed"].df()
        answers = answers.sort_values("answer_id", ignore_index=True)
        placebo = inputs["int_unit_placebo_outcomes"].df()
        placebo = placebo.sort_values(["experiment", "unit_id", "period"], ignore_index=True)
        recruiters = inputs["int_large_recruiters_assigned"].df()
        recruiters = recruiters.sort_values("siren", ignore_index=True)
        trim = float(inference["dr_propensity_trim"])
        return estimate_effects(periods, units, answers, settings, placebo, recruiters, trim)

    return memoised(dbt, session, __file__, inputs, compute)
