"""Minimum detectable effects (`smallfirms.design`) on constructed data.

The simulated MDE must be positive and finite, close to the analytic approximation when the data
have no cluster structure, smaller for an outcome with less variance, and larger when outcomes are
correlated within agencies (the design effect). The detection rule — an added effect d is detected
when d exceeds minus the lower bound of the placebo interval — is checked against adding d and
testing.
"""

import math

import numpy as np
import pytest

from smallfirms import design, inference

SETTINGS = design.DesignSettings(reps=199, seed=5, alpha=0.05, power=0.8, max_assignments=64)


def fixture(spread: float, cluster_sd: float = 0.0, seed: int = 1):
    """12 agencies in 6 pairs, 40 firms each: outcome noise `spread`, agency shocks `cluster_sd`."""
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(12), 40)
    pairs = clusters // 2
    is_pilot = clusters % 2 == 0
    y = rng.normal(0, spread, len(clusters)) + rng.normal(0, cluster_sd, 12)[clusters]
    return y, is_pilot, clusters.astype(str), pairs.astype(str)


def test_simulated_mde_is_positive_finite_and_smaller_with_less_variance():
    noisy = design.simulated_mde_clustered(*fixture(2.0), SETTINGS)[0]
    quiet = design.simulated_mde_clustered(*fixture(0.5), SETTINGS)[0]
    assert 0 < quiet < noisy < math.inf
    # without agency shocks, the MDE scales with the noise
    assert noisy / quiet == pytest.approx(4.0, rel=0.35)


def test_simulated_and_analytic_mde_agree_and_grow_with_agency_shocks():
    y, is_pilot, clusters, pairs = fixture(1.0)
    simulated = design.simulated_mde_clustered(y, is_pilot, clusters, pairs, SETTINGS)[0]
    analytic, icc = design.analytic_mde(y, is_pilot, clusters, 0.05, 0.8)
    assert simulated == pytest.approx(analytic, rel=0.5)
    shocked = fixture(1.0, cluster_sd=0.5)
    assert design.analytic_mde(shocked[0], shocked[1], shocked[2], 0.05, 0.8)[1] > icc
    assert design.simulated_mde_clustered(*shocked, SETTINGS)[0] > simulated


def test_intra_cluster_correlation_of_known_data():
    clusters = np.repeat(np.arange(10), 20).astype(str)
    constant_within = np.repeat(np.arange(10, dtype=float), 20)
    assert design.intra_cluster_correlation(constant_within, clusters) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert design.intra_cluster_correlation(rng.normal(size=200), clusters) < 0.1


def test_detection_threshold_matches_adding_the_effect_and_testing():
    weights = inference.webb_weights(12, 199, seed=2)
    for seed in range(1, 30):  # a placebo whose interval covers 0, as most do
        y, is_pilot, clusters, _ = fixture(1.0, seed=seed)
        x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
        boot = inference.WildClusterBootstrap.from_rows(y, x, 1, clusters, weights)
        beta, se = inference.crv1(y, x, 1, clusters)
        low, _ = inference.invert_test(boot.p_value, beta, se, 0.95, sides=(-1.0,))
        if low < 0:
            break
    threshold = design.detection_threshold(low)
    assert threshold > 0
    for added, detected in ((threshold * 1.05 + 1e-6, True), (threshold * 0.95 - 1e-6, False)):
        shifted = inference.WildClusterBootstrap.from_rows(
            y + added * is_pilot, x, 1, clusters, weights
        )
        rejects = shifted.p_value(0.0) <= 0.05 and beta + added > 0
        assert rejects == detected, (added, threshold)


def test_a_constant_outcome_has_no_mde():
    """Every firm with the same change (every top recruiter hires in both windows): no test
    statistic exists, so both MDEs are missing rather than a misleading 0."""
    y, is_pilot, clusters, pairs = fixture(1.0)
    constant = np.zeros(len(y))
    assert math.isnan(
        design.simulated_mde_clustered(constant, is_pilot, clusters, pairs, SETTINGS)[0]
    )
    assert math.isnan(design.simulated_mde_firm_level(constant, is_pilot, SETTINGS)[0])
    assert math.isnan(design.analytic_mde(constant, is_pilot, clusters, 0.05, 0.8)[0])
    assert math.isnan(design.analytic_mde(constant, is_pilot, None, 0.05, 0.8)[0])


def test_placebo_assignments_give_each_test_its_size():
    """Over the placebo assignments, the share of p < 5 % of each test: randomization inference
    is at most 5 % by construction (each assignment's |t| ranked among all), the others are
    shares of the same assignments."""
    y, is_pilot, clusters, pairs = fixture(2.0)
    mde, n, sizes = design.simulated_mde_clustered(y, is_pilot, clusters, pairs, SETTINGS)
    assert n > 0
    assert set(sizes) == {"size_crv1", "size_wild_bootstrap", "size_randomization"}
    assert all(0 <= value <= 1 for value in sizes.values())
    assert sizes["size_randomization"] <= SETTINGS.alpha + 1e-12
    # the mirror of each assignment gives the same |t|: every share is a multiple of 2 / n
    for value in sizes.values():
        assert abs(value * n / 2 - round(value * n / 2)) < 1e-9
