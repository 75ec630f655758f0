"""Who may read what, read from the manifest of `dbt parse` on DuckDB (issue 19, "Layers"):
sources are read by staging only; intermediate never reads a mart; marts read intermediate models,
other marts and seeds, never staging or a source; no model reads a layer above its own; and no
chain of more than five views feeds a model (dbt-project-evaluator's limit,
fct_chained_views_dependencies).

Seeds are reference tables below every layer: any model may read them. Each test names the offending
edges, so a failure says what to fix."""

from functools import cache
from pathlib import Path

import pytest
from worlds import parse_manifest

# Lower first; a model reads its own layer or a lower one.
LAYER_RANK = {"source": 0, "seed": 0, "staging": 1, "intermediate": 2, "marts": 3, "semantic": 4}
MAX_CHAINED_VIEWS = 5


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of a fresh `dbt parse` on DuckDB (where intermediate models are views)."""
    return parse_manifest(tmp_path_factory.mktemp("layers"))


def layer_of(manifest: dict, unique_id: str) -> str:
    """source, seed, or the models/ folder a model's file is in (base models are staging)."""
    if unique_id in manifest["sources"]:
        return "source"
    node = manifest["nodes"][unique_id]
    if node["resource_type"] == "seed":
        return "seed"
    parts = Path(node["original_file_path"]).parts
    assert parts[0] == "models" and parts[1] in LAYER_RANK, f"{unique_id}: no layer"
    return parts[1]


def own_models(manifest: dict) -> dict[str, dict]:
    """The project's models (not a package's), by unique id."""
    project = manifest["metadata"]["project_name"]
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == project
    }


def edges(manifest: dict) -> list[tuple[str, str, str, str]]:
    """(child layer, child name, parent layer, parent name) for every ref() and source()."""
    found = []
    for unique_id, node in own_models(manifest).items():
        child_layer = layer_of(manifest, unique_id)
        for parent in node["depends_on"]["nodes"]:
            if parent.startswith(("model.", "seed.", "source.")):
                # source.<project>.<source>.<table> reads as <source>.<table>, a node by its name
                name = ".".join(parent.split(".")[2:])
                found.append((child_layer, node["name"], layer_of(manifest, parent), name))
    return found


def test_every_model_has_a_layer(manifest):
    layers = {layer_of(manifest, unique_id) for unique_id in own_models(manifest)}
    assert layers <= set(LAYER_RANK) and {"staging", "intermediate", "marts"} <= layers


def test_sources_are_read_by_staging_only(manifest):
    offending = [
        f"{child} ({layer}) reads {parent}"
        for layer, child, parent_layer, parent in edges(manifest)
        if parent_layer == "source" and layer != "staging"
    ]
    assert not offending, offending


def test_intermediate_never_reads_a_mart(manifest):
    offending = [
        f"{child} reads {parent}"
        for layer, child, parent_layer, parent in edges(manifest)
        if layer == "intermediate" and parent_layer == "marts"
    ]
    assert not offending, offending


def test_marts_read_intermediate_marts_and_seeds_only(manifest):
    offending = [
        f"{child} reads {parent} ({parent_layer})"
        for layer, child, parent_layer, parent in edges(manifest)
        if layer == "marts" and parent_layer not in {"intermediate", "marts", "seed"}
    ]
    assert not offending, offending


def test_no_model_reads_a_layer_above_its_own(manifest):
    offending = [
        f"{child} ({layer}) reads {parent} ({parent_layer})"
        for layer, child, parent_layer, parent in edges(manifest)
        if LAYER_RANK[parent_layer] > LAYER_RANK[layer]
    ]
    assert not offending, offending


def test_no_chain_of_more_than_five_views_feeds_a_model(manifest):
    """As dbt-project-evaluator counts it: the views in a row upstream of a model, the model
    itself left out (a source, seed or table ends the chain)."""
    models = own_models(manifest)

    @cache
    def longest_view_chain(unique_id: str) -> tuple[str, ...]:
        node = models.get(unique_id)
        if node is None or node["config"]["materialized"] not in {"view", "ephemeral"}:
            return ()
        upstream = [longest_view_chain(parent) for parent in node["depends_on"]["nodes"]]
        return max(upstream, key=len, default=()) + (node["name"],)

    offending = []
    for node in models.values():
        for parent in node["depends_on"]["nodes"]:
            chain = longest_view_chain(parent)
            if len(chain) > MAX_CHAINED_VIEWS:
                offending.append(f"{node['name']} <- {' > '.join(chain)}")
    assert not offending, offending
