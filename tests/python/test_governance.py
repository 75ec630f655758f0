"""Governance, read from the manifest of `dbt parse`: every mart (what BI tools and analysts read)
is public, owned by a group, under an enforced contract, says its grain first and describes every
column; staging and intermediate models are not public; exposures point at public marts only.

Each test names the offending models, so a failure says what to fix."""

from pathlib import Path

import pytest
from worlds import PROJECT_DIR, parse_manifest

GRAIN_OPENING = "One row per"
# What the docs site's front page must explain (issue 7).
OVERVIEW_TOPICS = [
    "calendar",
    "cohort",
    "wild cluster bootstrap",
    "randomization",
    "TOT",
    "suppressed",
]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of a fresh `dbt parse`, written under a temporary folder of its own."""
    return parse_manifest(tmp_path_factory.mktemp("governance"))


def models_of(manifest: dict, layer: str) -> dict[str, dict]:
    """The models whose file is under models/<layer>/, by name."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and Path(node["original_file_path"]).parts[:2] == ("models", layer)
    }


@pytest.fixture(scope="module")
def marts(manifest: dict) -> dict[str, dict]:
    return models_of(manifest, "marts")


def test_the_manifest_holds_every_mart_file(marts):
    files = {
        path.stem
        for path in (PROJECT_DIR / "models" / "marts").rglob("*")
        if path.suffix in {".sql", ".py"}
    }
    assert files, "no mart files found"
    assert set(marts) == files


def test_every_mart_is_public(marts):
    offenders = sorted(name for name, node in marts.items() if node["access"] != "public")
    assert not offenders, f"marts not public: {offenders}"


def test_every_mart_enforces_a_typed_contract(marts):
    offenders = sorted(
        name for name, node in marts.items() if not node["config"]["contract"]["enforced"]
    )
    assert not offenders, f"marts without an enforced contract: {offenders}"
    untyped = sorted(
        f"{name}.{column}"
        for name, node in marts.items()
        for column, spec in node["columns"].items()
        if not spec.get("data_type")
    )
    assert not untyped, f"mart columns without a data_type: {untyped}"


def test_every_mart_has_an_owner_group(manifest, marts):
    offenders = sorted(name for name, node in marts.items() if not node.get("group"))
    assert not offenders, f"marts without a group: {offenders}"
    groups = {group["name"]: group for group in manifest["groups"].values()}
    for name in {node["group"] for node in marts.values()}:
        owner = groups[name]["owner"]
        assert owner.get("name") or owner.get("email"), f"group {name} has no owner"


def test_every_mart_description_states_its_grain_first(marts):
    offenders = sorted(
        name
        for name, node in marts.items()
        if not node["description"].strip().startswith(GRAIN_OPENING)
    )
    assert not offenders, f'marts whose description does not start "{GRAIN_OPENING}": {offenders}'


def test_every_mart_column_is_described(marts):
    offenders = sorted(
        f"{name}.{column}"
        for name, node in marts.items()
        for column, spec in node["columns"].items()
        if not spec.get("description", "").strip()
    )
    assert not offenders, f"mart columns without a description: {offenders}"
    # A contract lists every column; without one, an undocumented model would pass the loop above.
    bare = sorted(name for name, node in marts.items() if not node["columns"])
    assert not bare, f"marts with no documented column: {bare}"


@pytest.mark.parametrize("layer", ["staging", "intermediate"])
def test_staging_and_intermediate_models_are_not_public(manifest, layer):
    models = models_of(manifest, layer)
    assert models, f"no {layer} models in the manifest"
    offenders = sorted(
        name for name, node in models.items() if node["access"] not in {"protected", "private"}
    )
    assert not offenders, f"{layer} models neither protected nor private: {offenders}"


def test_exposures_have_an_owner_and_read_public_marts_only(manifest):
    exposures = manifest["exposures"].values()
    assert exposures, "no exposure declared"
    nodes = manifest["nodes"]
    for exposure in exposures:
        owner = exposure["owner"]
        assert owner.get("name") or owner.get("email"), f"{exposure['name']}: no owner"
        assert exposure.get("maturity"), f"{exposure['name']}: no maturity"
        parents = exposure["depends_on"]["nodes"]
        assert parents, f"{exposure['name']}: depends on nothing"
        offenders = sorted(
            nodes[parent]["name"] for parent in parents if nodes[parent].get("access") != "public"
        )
        assert not offenders, f"{exposure['name']} reads non-public models: {offenders}"


def test_the_docs_site_has_the_project_overview(manifest):
    project = manifest["metadata"]["project_name"]
    overviews = [
        doc["block_contents"]
        for doc in manifest["docs"].values()
        if doc["name"] == "__overview__" and doc["package_name"] == project
    ]
    assert overviews, "no __overview__ doc block in the project (models/overview.md)"
    missing = [topic for topic in OVERVIEW_TOPICS if topic.lower() not in overviews[0].lower()]
    assert not missing, f"the overview does not explain: {missing}"
