"""Conformance of every registered paper to the project's contract: the check that a new paper
is complete.

For each paper in ``synplast.registry.REGISTRY``:

- it has a package with a ``stages`` module, a schema file, a config section, a docs page,
  kernel and science tests;
- its declared stages resolve for every scenario of the main and the small config;
- every key of its ``model``, ``protocol`` and ``analysis`` sections has a type, a description
  and a default in its schema, and every flag (boolean or enum) is documented on its page;
- the small config runs every declared stage in-process, through the same functions the
  workflow runs, and every stage file declares units and long names for every variable and
  holds the variables its module lists;
- every figure and the claims of its config are produced from those files;
- it declares negative controls aimed at its own claims;
- its science tests go through the workflow's functions (``run_stage`` or the paper's stage
  functions, and ``claims.evaluate``), not through copies of them.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
import yaml

from synplast.pipeline import graph
from synplast.registry import REGISTRY
from tests.conftest import REPO, load_config

PAPERS = list(REGISTRY)
SCHEMAS = REPO / "workflow" / "schemas"


def paper_schema(paper: str) -> dict:
    with open(SCHEMAS / "papers" / f"{paper}.schema.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve(node: dict, schema: dict) -> dict:
    """Follow ``$ref`` within the paper's schema file or into ``common.schema.yaml``; the
    referring node's own keys (``default``, ``description``) take precedence."""
    while "$ref" in node:
        document, _, pointer = node["$ref"].partition("#/")
        target = schema
        if document:
            with open(SCHEMAS / "papers" / document, encoding="utf-8") as handle:
                target = yaml.safe_load(handle)
        for part in pointer.split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


@pytest.mark.parametrize("paper", PAPERS)
def test_paper_has_every_part(paper):
    package = REPO / "src" / "synplast" / "papers" / paper
    assert (package / "stages.py").is_file()
    assert (SCHEMAS / "papers" / f"{paper}.schema.yaml").is_file()
    assert (REPO / "docs" / "papers" / f"{paper}.md").is_file()
    assert list((REPO / "tests" / "kernels").glob(f"test_{paper}*.py"))
    assert list((REPO / "tests" / "science").glob(f"test_{paper}*.py"))
    with open(REPO / "config" / "config.yaml", encoding="utf-8") as handle:
        assert paper in yaml.safe_load(handle)
    assert importlib.import_module(f"synplast.papers.{paper}").REFERENCES


def test_registry_and_schema_files_agree():
    files = {path.name.removesuffix(".schema.yaml") for path in (SCHEMAS / "papers").glob("*")}
    assert files == set(REGISTRY)


@pytest.mark.parametrize("config_files", [("config.yaml",), ("config.yaml", "small.yaml")])
@pytest.mark.parametrize("paper", PAPERS)
def test_declared_stages_resolve_for_every_scenario(paper, config_files):
    config = load_config(*config_files)
    for scenario in config[paper]["scenarios"]:
        for name, stage in graph.scenario_stages(config, paper, scenario).items():
            module = importlib.import_module(graph.paper_module(paper, stage.module))
            assert callable(getattr(module, stage.function_name)), stage.function
            assert module.VARIABLES, f"{stage.module} lists the variables its files must hold"
            for request in graph.stage_requests(config, paper, scenario, name):
                graph.upstream_requests(config, paper, request)
                assert graph.stage_params(config, paper, scenario, name)


def parameter_keys(paper: str):
    schema = paper_schema(paper)
    for section in ("model", "protocol", "analysis"):
        node = resolve(schema["properties"][section], schema)
        for key, sub in node["properties"].items():
            yield section, key, resolve(sub, schema)


@pytest.mark.parametrize("paper", PAPERS)
def test_schema_gives_every_parameter_a_type_description_and_default(paper):
    for section, key, sub in parameter_keys(paper):
        where = f"{paper}.{section}.{key}"
        assert sub.get("description"), f"{where} has no description"
        assert "default" in sub, f"{where} has no default"
        assert "type" in sub or "enum" in sub, f"{where} has no type"


@pytest.mark.parametrize("paper", PAPERS)
def test_docs_page_documents_every_flag(paper):
    page = (REPO / "docs" / "papers" / f"{paper}.md").read_text(encoding="utf-8")
    for section, key, sub in parameter_keys(paper):
        if sub.get("type") == "boolean" or "enum" in sub:
            assert f"`{key}`" in page or f"({key})" in page, f"{section}.{key} undocumented"


# --- the small config, run in-process through the workflow's functions ----------------------


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory):
    """Every declared stage file of every paper in the small config, written by ``run_stage``
    (an upstream file is always written before the files that read it)."""
    from synplast.pipeline.stage import run_stage

    config = load_config("config.yaml", "small.yaml")
    root = tmp_path_factory.mktemp("conformance")
    config["results_dir"] = str(root)
    written: dict[str, dict] = {}
    for paper in PAPERS:
        pending = [
            request
            for scenario in config[paper]["scenarios"]
            for name in graph.scenario_stages(config, paper, scenario)
            for request in graph.stage_requests(config, paper, scenario, name)
        ]
        done: dict = {}
        while pending:
            ready = [
                r
                for r in pending
                if all(u is None or u in done for u in graph.upstream_requests(config, paper, r))
            ]
            assert ready, f"{paper}: the declared reads form a cycle: {pending}"
            for request in ready:
                done[request] = run_stage(
                    paper,
                    request.stage,
                    config=config,
                    scenario=request.scenario,
                    seed=request.seed,
                )
                pending.remove(request)
        written[paper] = done
    return config, root, written


@pytest.mark.parametrize("paper", PAPERS)
def test_every_stage_file_declares_units_and_long_names(small_runs, paper):
    from synplast.stagefile import read_stage

    config, _, written = small_runs
    assert written[paper]
    for request, path in written[paper].items():
        declared = graph.stage_of(config, paper, request.scenario, request.stage)
        module = importlib.import_module(graph.paper_module(paper, declared.module))
        ds = read_stage(path, paper=paper, stage=request.stage, seed=request.seed)
        assert ("seed" in ds.attrs) == declared.seeded
        missing = set(module.VARIABLES) - set(ds.variables)
        assert not missing, f"{path} lacks {missing}"
        for name, var in ds.variables.items():
            assert var.attrs.get("units") is not None, f"{path}:{name} has no units"
            assert var.attrs.get("long_name"), f"{path}:{name} has no long_name"


@pytest.mark.parametrize("paper", PAPERS)
def test_every_figure_and_the_claims_are_produced_by_the_small_config(small_runs, paper):
    from synplast.pipeline.claims import evaluate_claims
    from synplast.pipeline.figure import render_figure
    from synplast.stagefile import read_stage

    config, root, _ = small_runs
    for figure in config[paper]["figures"]:
        stem = graph.figure_stem(paper, figure, root)
        outputs = render_figure(paper, figure, config=config, stem=stem, root=root)
        assert {Path(p).suffix for p in outputs} == {".nc", ".png", ".pdf"}
    claims = evaluate_claims(paper, config=config, output=root / paper / "claims.nc", root=root)
    assert read_stage(claims, stage="claims").sizes["claim"] > 0


@pytest.mark.parametrize("paper", PAPERS)
def test_paper_declares_negative_controls_aimed_at_its_own_claims(paper):
    """Every paper has at least one negative control (a wrong model its claims must reject),
    aimed only at claims the paper measures; the science tests assert the rejection."""
    config = load_config("config.yaml")
    controls = config[paper]["claims"]["controls"]
    assert controls, f"{paper} declares no negative control"
    claims = importlib.import_module(graph.paper_module(paper, "claims"))
    known = {claim.__name__ for claim in claims.CLAIMS}
    for name, control in controls.items():
        assert set(control["aimed_at"]) <= known, (name, set(control["aimed_at"]) - known)
        assert control["scenario"] in config[paper]["scenarios"]


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


@pytest.mark.parametrize("paper", PAPERS)
def test_science_tests_go_through_the_workflow_functions(paper):
    """The science tests run the stages and the claims the workflow runs (directly or through
    the shared helper of ``tests/science``), not re-derivations of them."""
    helpers = REPO / "tests" / "science" / "helpers.py"
    helper_calls = _calls(ast.parse(helpers.read_text())) if helpers.is_file() else set()
    for path in (REPO / "tests" / "science").glob(f"test_{paper}*.py"):
        calls = _calls(ast.parse(path.read_text()))
        if calls & {"run_chain", "run_claims", "claim_datasets"}:
            calls |= helper_calls
        assert calls & {"run_stage", "make_inputs", "run_plastic", "run_test"}, path
        assert "evaluate" in calls or "evaluate_claims" in calls, path


@pytest.mark.parametrize("paper", PAPERS)
def test_code_hashes_cover_the_paper_but_not_the_registry(paper):
    """A stage's code hash covers its paper's modules and the shared code, never the registry
    of papers (registering a new paper must rerun no job of the others) and never another
    paper's modules."""
    from synplast.provenance import code_files

    for stage in graph.declaration(paper).all_stages().values():
        files = code_files("synplast.pipeline.stage", graph.paper_module(paper, stage.module))
        names = {path.relative_to(REPO / "src").as_posix() for path in files}
        assert "synplast/registry.py" not in names
        assert f"synplast/papers/{paper}/{stage.module.replace('.', '/')}.py" in names
        others = {p for p in PAPERS if p != paper}
        assert not any(name.split("/")[2] in others for name in names if "/papers/" in name)


OUTSIDE_REFERENCE = re.compile(r"§|spec \d|shared/papers|\b[QC]\d{1,2}\b")


def test_code_and_schemas_cite_only_material_inside_the_repository():
    """Comments and docstrings point to ``docs/`` and config flags, never to section numbers
    or quirk ids of documents a user of the project does not have."""
    roots = [REPO / "src", REPO / "workflow", REPO / "config", REPO / "tests", REPO / "benchmarks"]
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.suffix in {".py", ".smk", ".yaml", ".rst"} or path.name == "Snakefile"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE_REFERENCE.search(line) and path.name != "test_conformance.py"
    ]
    assert not offenders, "\n".join(offenders[:20])
