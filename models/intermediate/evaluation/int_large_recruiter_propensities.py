"""Each top recruiter's propensity to be enrolled, given what regional services could see (the
design `smallfirms.estimate.enrolment_design`: offers filled in each half of the look-back window,
counted and furthest-from-employment hires there), from a logistic regression: the overlap the
doubly robust DiD rests on. A control whose propensity reaches var `dr_propensity_trim` is trimmed
there, as this table flags (drdid fits the same model on the same design)."""

import numpy as np
import pandas as pd

from smallfirms.estimate import enrolment_design
from smallfirms.memo import memoised


def propensities(recruiters: pd.DataFrame, trim: float) -> pd.DataFrame:
    import statsmodels.api as sm  # seconds to import, which kept propensities need not pay

    recruiters = recruiters.sort_values("siren", ignore_index=True)
    enrolled = (recruiters["cohort"] == "pilot").to_numpy(float)
    design = sm.add_constant(enrolment_design(recruiters), has_constant="add")
    fitted = sm.GLM(enrolled, design, family=sm.families.Binomial()).fit()
    propensity = np.minimum(fitted.predict(design), 1 - 1e-6)
    return pd.DataFrame(
        {
            "siren": recruiters["siren"],
            "cohort": recruiters["cohort"],
            "propensity": propensity,
            "is_trimmed": (enrolled == 0) & (propensity >= trim),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    inference = dbt.config.get("inference")
    trim = float(inference["dr_propensity_trim"])
    # Only what the design reads, so that the memo's fingerprint moves only with it: the recruiters'
    # outcomes, which a delivery refreshes, are not read here.
    read = [
        "siren",
        "cohort",
        "lookback_offers_filled_first_half",
        "lookback_offers_filled",
        "lookback_hires",
        "lookback_furthest_hires",
    ]
    inputs = {
        "int_large_recruiters_assigned": dbt.ref("int_large_recruiters_assigned").project(
            ", ".join(read)
        )
    }

    def compute():
        return propensities(inputs["int_large_recruiters_assigned"].df(), trim)

    return memoised(dbt, session, __file__, inputs, compute)
