"""Monthly small-firm effects on hires around the pilot start (see smallfirms.estimate.event_study).

A dbt Python model, like `int_effects_estimated`: inputs sorted so that two builds agree to the bit;
the mart `eval_event_study` applies the publishing rule.
"""

from smallfirms.estimate import Settings, event_study


def model(dbt, session):
    dbt.config(materialized="table")
    settings = Settings.from_config(dbt.config.get("inference"))
    monthly = dbt.ref("int_unit_month_outcomes").df()
    monthly = monthly.sort_values(["experiment", "unit_id", "month_start"], ignore_index=True)
    units = dbt.ref("int_experiment_units").df()
    units = units.sort_values(["experiment", "unit_id"], ignore_index=True)
    calendar = dbt.ref("experiment_calendar").df().set_index("window_name")
    lookback = (calendar.loc["lookback", "start_date"], calendar.loc["lookback", "end_date"])
    return event_study(monthly, units, settings, lookback)
