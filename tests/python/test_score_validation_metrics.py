"""Score validation figures (smallfirms.score_validation) on hand-computed examples: capture with
ties averaged, NULL last, lists per agency, calls at capacity, weights as repeated firms,
calibration deciles, Poisson deviance and the paired bootstrap. Pure numpy: no warehouse."""

import math

import numpy as np
import pandas as pd
import pytest

from smallfirms import score_validation as sv

NAN = math.nan


def test_tied_group_at_the_cut_gives_its_hires_in_proportion():
    # share 0.4 of 5 firms: k = 2. Value 3 is taken (1 hire); the three firms at value 2 share the
    # one place left: 1/3 of their 3 hires. Captured 1 + 1 = 2 of 9.
    share = sv.capture([3, 2, 2, 2, 1], [1, 0, 3, 0, 5], [4])
    assert share == pytest.approx([2 / 9])


def test_k_is_the_integer_ceiling_of_step_times_n_over_ten():
    # 3 firms, 10 %: k = ceil(0.3) = 1; 7 firms, 30 %: k = ceil(2.1) = 3; 10 firms, 30 %: k = 3
    # exactly (0.3 * 10 is not 3 in floats, the integers are).
    assert sv.capture([3, 2, 1], [1, 1, 1], [1]) == pytest.approx([1 / 3])
    assert sv.capture(np.arange(7, 0, -1), np.ones(7), [3]) == pytest.approx([3 / 7])
    assert sv.capture(np.arange(10, 0, -1), np.ones(10), [3]) == pytest.approx([3 / 10])


def test_null_ranks_after_every_value_and_nulls_are_tied():
    values, truth = [NAN, 1, NAN, 2], [5, 1, 5, 2]
    # 50 %: k = 2, the two scored firms, 3 of 13 hires; 70 %: k = ceil(2.8) = 3, the scored firms
    # and half of the two NULL firms' 10 hires: 3 + 5 = 8 of 13.
    assert sv.capture(values, truth, [5, 7]) == pytest.approx([3 / 13, 8 / 13])
    # a NULL is not a low value: a negative value still ranks before it
    assert sv.capture([NAN, -5.0], [1, 0], [5]) == pytest.approx([0.0])


def test_all_tied_captures_exactly_k_over_n_of_the_hires():
    truth = np.array([0, 4, 1, 0, 7, 2, 3], dtype=float)
    shares = sv.capture(np.zeros(7), truth, sv.SHARE_STEPS)
    k = [math.ceil(step * 7 / 10) for step in sv.SHARE_STEPS]
    assert shares == pytest.approx([kk / 7 for kk in k], abs=1e-12)


def test_capture_is_null_when_the_list_has_no_hires():
    assert np.isnan(sv.capture([1, 2, 3], [0, 0, 0], [1])).all()


def test_agency_lists_sum_the_captured_hires_over_the_lists():
    # half of each list: A (2 firms) k = 1, takes 1 hire; B (3 firms) k = ceil(1.5) = 2, takes 0
    # + 2. Captured 3 of 8; one list of the five firms would take the top 3: 0 + 1 + 2 = 3 of 8
    # too, so the 20 % point tells them apart: A k = 1 (1 hire), B k = 1 (0 hires) -> 1 of 8,
    # against the single list's top 1 (value 5: 0 hires).
    values = [2, 1, 5, 4, 3]
    truth = [1, 3, 0, 2, 2]
    lists = ["A", "A", "B", "B", "B"]
    assert sv.capture(values, truth, [5, 2], lists) == pytest.approx([3 / 8, 1 / 8])
    assert sv.capture(values, truth, [2]) == pytest.approx([0.0])


def test_calls_at_capacity_per_agency_with_ties_averaged():
    # 2 calls per agency. A: values 3, 2, 2 -> the first (1 hire) and half of the tie (0 and 4
    # hires: 2 expected; hiring firms 0 and 1: 0.5 expected). B: one unscored firm, 1 call, 2 hires.
    values = [3, 2, 2, NAN]
    truth = [1, 0, 4, 2]
    got = sv.at_capacity(values, truth, ["A", "A", "A", "B"], calls_per_agency=2)
    assert got["calls"] == pytest.approx([3])
    assert got["hires_per_call"] == pytest.approx([(1 + 2 + 2) / 3])
    assert got["hiring_firms_share"] == pytest.approx([(1 + 0.5 + 1) / 3])


def random_list(rng, n=60):
    values = rng.integers(0, 6, n).astype(float)  # many ties
    values[rng.random(n) < 0.2] = NAN
    truth = rng.poisson(1.0, n).astype(float)
    lists = rng.choice(["A", "B", "C"], n)
    return values, truth, lists


def test_weights_of_one_reproduce_the_unweighted_figures():
    values, truth, lists = random_list(np.random.default_rng(1))
    plain = sv.capture(values, truth, sv.SHARE_STEPS, lists)
    weighted = sv.capture(values, truth, sv.SHARE_STEPS, lists, weights=np.ones((3, len(truth))))
    np.testing.assert_allclose(weighted, np.tile(plain, (3, 1)), rtol=1e-12)


@pytest.mark.parametrize("fractional", [False, True])
def test_integer_weights_equal_duplicated_rows(fractional):
    rng = np.random.default_rng(2)
    values, truth, lists = random_list(rng)
    weights = rng.poisson(1.0, (4, len(truth)))
    for w in weights:
        got = sv.capture(values, truth, sv.SHARE_STEPS, lists, w[None, :], fractional)
        rows = np.repeat(np.arange(len(truth)), w)
        repeated = sv.capture(
            values[rows], truth[rows], sv.SHARE_STEPS, lists[rows], fractional=fractional
        )
        np.testing.assert_allclose(got[0], repeated, rtol=1e-12)
        calls = sv.at_capacity(values, truth, lists, 4, w[None, :])
        expected = sv.at_capacity(values[rows], truth[rows], lists[rows], 4)
        for name in ("calls", "hires_per_call", "hiring_firms_share"):
            np.testing.assert_allclose(calls[name], expected[name], rtol=1e-12)


def test_fractional_top_takes_exactly_the_share_of_the_weighted_firms():
    # the bootstrap's rule, k = s * sum of weights: all tied, the capture is s exactly
    truth = np.array([1, 0, 2, 5, 0, 1], dtype=float)
    weights = np.array([[1, 0, 2, 1, 1, 1], [0, 0, 3, 1, 2, 0]])
    got = sv.capture(np.zeros(6), truth, [1, 3], weights=weights, fractional=True)
    np.testing.assert_allclose(got, [[0.1, 0.3], [0.1, 0.3]], rtol=1e-12)


def test_poisson_deviance_by_hand():
    # y = 0, mu = 1: 2 (0 - (0 - 1)) = 2; y = 2, mu = 2: 0; the unscored firm is left out.
    assert sv.poisson_deviance([1, 2, NAN], [0, 2, 5]) == pytest.approx(1.0)
    # mu clipped at 1e-9: a prediction of -1 for y = 1
    expected = 2 * (math.log(1 / 1e-9) - (1 - 1e-9))
    assert sv.poisson_deviance([-1.0], [1.0]) == pytest.approx(expected)
    assert sv.poisson_deviance([NAN, NAN], [1, 2]) is None


def test_calibration_deciles_follow_ntile_with_ties_by_siret():
    # 12 scored firms: deciles 1 and 2 get two firms, 3 … 10 one. Predictions 12 … 1, except a
    # tie at 12 between SIRETs "b" and "a": "a" comes first, both in decile 1 anyway; a tie at
    # 10 between "d" (decile 2) and "c" (decile 2), then 9 is decile 3.
    siret = ["b", "a", "d", "c", "e", "f", "g", "h", "i", "j", "k", "l", "z"]
    predicted = [12, 12, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, NAN]
    truth = [10, 14, 0, 5, 9, 8, 7, 6, 5, 4, 3, 0, 100]
    got = sv.calibration(predicted, truth, siret)
    assert [d["n_firms"] for d in got["deciles"]] == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    assert got["deciles"][0] == {
        "decile": 1,
        "n_firms": 2,
        "predicted": 24.0,
        "observed": 24.0,
        "ratio": 1.0,
    }
    assert got["deciles"][1]["ratio"] == pytest.approx(20 / 5)
    assert got["deciles"][9]["ratio"] is None  # prediction 2, no hire
    assert got["ratio"] == pytest.approx(sum(predicted[:12]) / sum(truth[:12]))


def test_calibration_tie_at_a_decile_border_goes_by_siret():
    # 20 firms all predicted 1: deciles of two firms in SIRET order
    siret = [f"{i:02d}" for i in range(20)][::-1]
    truth = list(range(20))[::-1]  # firm "00" has 0 hires, "19" has 19
    got = sv.calibration(np.ones(20), truth, siret)
    assert [d["observed"] for d in got["deciles"]] == [1, 5, 9, 13, 17, 21, 25, 29, 33, 37]


def world(rng, n=400) -> pd.DataFrame:
    """A ranked-firms table: two populations (one of agency lists), three methods."""
    firms = pd.DataFrame(
        {
            "siret": [f"{i:014d}" for i in range(n)],
            "code_agence": rng.choice(["54001", "54002", "57003"], n),
            "truth_hires": rng.poisson(0.7, n).astype(float),
        }
    )
    signal = firms["truth_hires"] + rng.normal(0, 1, n)
    methods = {
        "shipped_score": (signal.round(1), signal.clip(lower=0)),
        "lbb": (signal.where(rng.random(n) < 0.6).round(0), pd.Series(NAN, index=firms.index)),
        "random": (pd.Series(0.0, index=firms.index), pd.Series(NAN, index=firms.index)),
    }
    parts = []
    for population in ("all_eligible", "agency_lists"):
        for method, (value, predicted) in methods.items():
            part = firms.assign(population=population, method=method)
            part["ranking_value"] = value
            part["predicted_hires"] = predicted
            part["list_key"] = part["code_agence"] if population == "agency_lists" else "all"
            parts.append(part)
    return pd.concat(parts, ignore_index=True)[list(sv.COLUMNS)]


def test_seed_figures_per_population_and_method():
    frame = world(np.random.default_rng(3))
    figures = sv.seed_figures(frame, calls_per_agency=20)
    assert list(figures) == ["all_eligible", "agency_lists"]
    assert list(figures["all_eligible"]) == ["shipped_score", "lbb", "random"]
    rows = frame[(frame.population == "agency_lists") & (frame.method == "lbb")]
    shipped = figures["agency_lists"]["lbb"]
    expected = sv.capture(rows.ranking_value, rows.truth_hires, [1, 5], rows.list_key)
    assert [shipped["capture"]["0.1"], shipped["capture"]["0.5"]] == pytest.approx(expected)
    assert shipped["calls"] == 60  # three agencies of more than 20 firms
    assert shipped["calibration_deciles"] is None and shipped["poisson_deviance"] is None
    assert figures["all_eligible"]["shipped_score"]["calibration_deciles"] is not None
    # random: the diagonal
    random = figures["all_eligible"]["random"]["capture"]
    assert [random[sv.share_key(s)] for s in sv.SHARE_STEPS] == pytest.approx(
        [s / 10 for s in sv.SHARE_STEPS]
    )


def test_bootstrap_of_a_method_against_itself_is_zero():
    rng = np.random.default_rng(4)
    frames = {}
    for seed in (1, 2):
        frame = world(rng)
        copy = frame[frame.method == "shipped_score"].assign(method="v1_score")
        frames[seed] = pd.concat([frame, copy], ignore_index=True)
    got = sv.paired_bootstrap(frames, reps=50, seed=9, calls_per_agency=20)
    for population in ("all_eligible", "agency_lists"):
        assert "shipped_score" not in got[population]
        for name in ("top_decile_capture", "hires_per_call"):
            assert got[population]["v1_score"][name] == {"estimate": 0, "low": 0, "high": 0}
        # another method: the estimate is the mean over the worlds of the figures' difference
        figures = [sv.seed_figures(f, 20)[population] for f in frames.values()]
        diffs = [f["lbb"]["capture"]["0.1"] - f["shipped_score"]["capture"]["0.1"] for f in figures]
        lbb = got[population]["lbb"]["top_decile_capture"]
        assert lbb["estimate"] == pytest.approx(np.mean(diffs))
        assert lbb["low"] < lbb["high"]


def test_bootstrap_resamples_within_each_list():
    strata = np.array(["A"] * 3 + ["B"] * 5)
    weights = sv.resample(strata, 20, np.random.default_rng(5))
    assert (weights[:, :3].sum(axis=1) == 3).all()
    assert (weights[:, 3:].sum(axis=1) == 5).all()


def test_rounded_results_are_plain_json_values():
    got = sv.rounded({"a": np.float64(1 / 3), "b": [NAN, np.int64(2)], 3: (0.1234567,)})
    assert got == {"a": 0.333333, "b": [None, 2], "3": [0.123457]}


def test_markdown_tables_of_a_results_file():
    payload = {
        "seeds": [42, 7],
        "reps": 100,
        "calls_per_agency": 50,
        "summary": {
            "prospects": {
                "shipped_score": {
                    "top_decile_capture": 0.593,
                    "hires_per_call": 4.094,
                    "predicted_observed_ratio": 0.936,
                },
                "lbb": {"top_decile_capture": 0.41234, "hires_per_call": 4.031},
            }
        },
        "differences": {
            "prospects": {
                "lbb": {
                    "top_decile_capture": {"estimate": -0.18, "low": -0.2, "high": -0.161},
                    "hires_per_call": {"estimate": None, "low": None, "high": None},
                }
            }
        },
    }
    lines = sv.markdown(payload)
    assert "| prospects | 59.3 % | 41.2 % |" in lines
    assert "| prospects | 4.09 (0.94) | 4.03 |" in lines
    assert "| prospects | -18.0 [-20.0, -16.1] |" in lines
    assert "| prospects | — |" in lines
