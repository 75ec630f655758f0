"""The ceilings of score validation (smallfirms.world.ceilings) on small hand-made frames: the
capture definition with ties averaged, the oracle and best-cell rankings, and the error a truth
file without a validation firm gives. No warehouse needed."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallfirms.world import ceilings as c


def firms(hires: list[float], cells: list[str], expected: list[float] | None = None):
    """Validation firms, all prospects and non-recruiters; a cell is named by its NAF division."""
    frame = pd.DataFrame(
        {
            "siret": [f"{i:014d}" for i in range(len(hires))],
            "is_prospect": True,
            "is_non_recruiter": True,
            c.HIRES: [float(h) for h in hires],
            "naf_division": cells,
            "tranche_effectifs": "01",
            "code_region": "44",
        }
    )
    return frame if expected is None else frame.assign(expected_hires=expected)


def test_oracle_reaches_the_maximum_when_expected_hires_are_the_realised_hires():
    hires = [0, 5, 1, 0, 2, 9, 0, 0, 3, 1, 0, 4, 0, 0, 7, 1, 0, 0, 2, 0]
    figures = c.ceilings(firms(hires, ["01"] * 20, expected=hires), top_share=0.1)["all_eligible"]
    # The top 2 of 20 are the 9 and the 7: 16 of 35 hires.
    assert figures["hindsight"] == pytest.approx(16 / 35)
    assert figures["oracle"] / figures["hindsight"] == pytest.approx(1.0)


def test_ties_at_the_cut_share_the_places_left_in_proportion():
    hires = [float(h) for h in range(10)]
    assert c.top_capture(np.zeros(10), hires, 0.1) == pytest.approx(0.1)
    # Top 3 of 10: the 9 is above the cut, two places go to four firms tied at 1 with 8, 7, 6, 5.
    scores = [0, 0, 0, 0, 0, 1, 1, 1, 1, 2]
    assert c.top_capture(scores, hires, 0.3) == pytest.approx((9 + 2 / 4 * 26) / 45)


def test_best_cell_equals_the_oracle_when_hires_depend_only_on_the_cell():
    # Cells of unequal sizes, so that ranking cells by their total would pick the wrong one first.
    cells = ["01"] * 25 + ["02"] * 12 + ["04"] * 3
    per_cell = {"01": 1.0, "02": 0.0, "04": 6.0}
    hires = [per_cell[cell] for cell in cells]
    frame = firms(hires, cells, expected=[per_cell[cell] + 0.5 for cell in cells])
    for name, figures in c.ceilings(frame, top_share=0.1).items():
        # The top 4 of 40: the three 6s and one 1, 19 of 43 hires.
        assert figures["oracle"] == pytest.approx(19 / 43), name
        assert figures["best_cell"] == pytest.approx(figures["oracle"]), name
        assert figures["oracle_minus_best_cell_points"] == pytest.approx(0.0, abs=1e-9), name


def test_a_validation_firm_missing_from_the_truth_file_is_a_clear_error(tmp_path: Path):
    frame = firms([1, 0, 2], ["01"] * 3)
    (tmp_path / "_truth").mkdir()
    truth_path = tmp_path / c.TRUTH_FILE
    # The last firm is missing; the first SIRET's leading zeros must survive the read.
    pd.DataFrame({"siret": frame["siret"][:2], "expected_hires": [0.7, 0.2]}).to_csv(
        truth_path, index=False
    )
    truth = c.read_truth(tmp_path)
    assert truth.index[0] == "00000000000000"
    with pytest.raises(c.TruthFileError, match=r"latent_expected_hires\.csv.*1 validation firm"):
        c.attach_truth(frame, truth, truth_path)
    with pytest.raises(c.TruthFileError, match="no such file"):
        c.read_truth(tmp_path / "elsewhere")
