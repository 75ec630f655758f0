"""Monthly small-firm effects on hires around the pilot start (see smallfirms.estimate.event_study).

A dbt Python model, like `int_effects_estimated`: inputs sorted so that two builds agree to the bit;
the mart `eval_event_study` applies the publishing rule.
"""

from smallfirms.estimate import Settings, event_study
from smallfirms.memo import memoised


def model(dbt, session):
    dbt.config(materialized="table")
    settings = Settings.from_config(dbt.config.get("inference"))
    inputs = {
        "int_unit_month_outcomes": dbt.ref("int_unit_month_outcomes"),
        "int_experiment_units": dbt.ref("int_experiment_units"),
        "experiment_calendar": dbt.ref("experiment_calendar"),
    }

    def compute():
        monthly = inputs["int_unit_month_outcomes"].df()
        monthly = monthly.sort_values(["experiment", "unit_id", "month_start"], ignore_index=True)
        units = inputs["int_experiment_units"].df()
        units = units.sort_values(["experiment", "unit_id"], ignore_index=True)
        calendar = inputs["experiment_calendar"].df().set_index("window_name")
        lookback = (calendar.loc["lookback", "start_date"], calendar.loc["lookback", "end_date"])
        return event_study(monthly, units, settings, lookback)

    return memoised(dbt, session, __file__, inputs, compute)
