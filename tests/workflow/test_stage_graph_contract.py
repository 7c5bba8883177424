"""The stage-graph contract serves more than ``inputs -> plastic -> test``.

A toy paper, registered in a scratch copy of the repository, declares what the coming papers
need: two sub-models (one deterministic, one seeded), a second induction that starts from the
state the first one left (a read across scenarios), and an optional cross-check stage with its
own pip extra and conda environment that is outside ``all``, and an optional scenario (a scale
run that only a user naming its files builds).  The workflow is run on it for
real, and the tests check paths, attributes, which jobs ``all`` plans, reruns after a code edit
of one sub-model, and the one-line message when the optional stage's peer is not installed.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from synplast.registry import REGISTRY
from synplast.stagefile import read_stage
from tests.workflow.helpers import make_scratch_copy, snakemake

FILES = {
    "src/synplast/papers/toy/__init__.py": '''
        """A toy paper that exercises the stage-graph contract (tests only)."""

        REFERENCES = "none: a test fixture"
    ''',
    "src/synplast/papers/toy/stages.py": '''
        """Toy stage graph: a deterministic sub-model A and a seeded sub-model B."""

        from synplast.pipeline.graph import Read, Stage

        SUBMODELS = {
            "A": (
                Stage("grid", "model_a:make_grid", sections=("model",), seeded=False),
                Stage("learn", "model_a:learn", ("grid",), ("model", "protocol"), seeded=False),
            ),
            "B": (
                Stage("inputs", "model_b:make_inputs", sections=("model",)),
                Stage(
                    "plastic",
                    "model_b:induce",
                    ("inputs", Read("plastic", scenario_from="protocol.start_from")),
                    ("model", "protocol"),
                ),
                Stage(
                    "crosscheck",
                    "peer:crosscheck",
                    ("plastic",),
                    ("model",),
                    optional=True,
                    extra="peer",
                    conda="envs/toy_peer.yaml",
                ),
            ),
        }


        def figure_requests(config, figure):
            if figure == "curve":
                return [("A_main", None, "learn")]
            return [("B_second", 1, "crosscheck")]


        def figure_options(config, figure):
            return dict(config["toy"]["figures"][figure])


        def claim_requests(config):
            return [("A_main", None, "learn"), ("B_second", 1, "plastic")]
    ''',
    "src/synplast/papers/toy/model_a.py": '''
        """Sub-model A: deterministic."""

        import numpy as np
        import xarray as xr

        from synplast.stagefile import var_attrs

        VARIABLES = ("value",)


        def make_grid(params):
            n = params["model"]["n"]
            return xr.Dataset({"value": ("x", np.linspace(0, 1, n), var_attrs("1", "grid"))})


        def learn(grid, params):
            rate = params["protocol"]["rate"]
            return xr.Dataset({"value": ("x", grid["value"].values * rate, var_attrs("1", "w"))})
    ''',
    "src/synplast/papers/toy/model_b.py": '''
        """Sub-model B: seeded, with a second induction starting from the first one's state."""

        import numpy as np
        import xarray as xr

        from synplast.rng import stream
        from synplast.stagefile import var_attrs

        VARIABLES = ("value",)


        def make_inputs(params, seed):
            rng = stream(seed, "toy")
            values = rng.random(params["model"]["n"])
            return xr.Dataset({"value": ("x", values, var_attrs("1", "drive"))})


        def induce(inputs, start, params, seed):
            state = np.zeros_like(inputs["value"].values) if start is None else start["value"]
            values = np.asarray(state) + params["protocol"]["rate"] * inputs["value"].values
            return xr.Dataset({"value": ("x", values, var_attrs("1", "weight"))})
    ''',
    "src/synplast/papers/toy/peer.py": '''
        """Cross-check against a peer simulator that is not installed here."""

        import toy_peer_simulator  # noqa: F401

        VARIABLES = ("value",)


        def crosscheck(plastic, params, seed):
            raise AssertionError("never reached")
    ''',
    "src/synplast/papers/toy/figures.py": '''
        """Toy figures."""

        import matplotlib.pyplot as plt

        from synplast.stagefile import var_attrs


        def curve(datasets, options):
            (ds,) = datasets.values()
            fig, ax = plt.subplots()
            ax.plot(ds["value"].values)
            data = ds[["value"]].copy()
            data["value"].attrs.update(var_attrs("1", "w"))
            return fig, data


        FIGURES = {"curve": curve, "cross": curve}
    ''',
    "src/synplast/papers/toy/claims.py": '''
        """Toy claims."""



        def evaluate(datasets, config):
            return []
    ''',
    "workflow/schemas/papers/toy.schema.yaml": """
        type: object
        additionalProperties: false
        description: toy paper (tests)
        properties:
          enabled: {$ref: "../common.schema.yaml#/$defs/enabled", default: true}
          model:
            type: object
            default: {}
            additionalProperties: false
            properties:
              n: {type: integer, minimum: 1, default: 5, description: "size"}
          protocol:
            type: object
            default: {}
            additionalProperties: false
            properties:
              rate: {type: number, default: 1.0, description: "rate"}
              start_from: {type: [string, "null"], default: null, description: "scenario"}
          analysis: {type: object, default: {}, description: "none"}
          scenarios: {$ref: "../common.schema.yaml#/$defs/scenarios"}
          figures: {type: object, default: {}, description: "figures"}
          claims: {type: object, default: {}, description: "claims"}
          resources:
            type: object
            default: {}
            additionalProperties: {$ref: "../common.schema.yaml#/$defs/stage_resources"}
            properties:
              figure: {$ref: "../common.schema.yaml#/$defs/stage_resources", default: {}}
              claims: {$ref: "../common.schema.yaml#/$defs/stage_resources", default: {}}
    """,
    "envs/toy_peer.yaml": """
        channels: [conda-forge]
        dependencies: [python=3.11]
    """,
    "config/toy.yaml": """
        toy:
          scenarios:
            A_main: {submodel: A}
            B_first: {submodel: B, seeds: [1, 2]}
            B_second: {submodel: B, seeds: [1, 2], protocol: {start_from: B_first, rate: 2.0}}
            B_large: {submodel: B, seeds: [1], optional: true, model: {n: 50}}
          figures:
            curve: {}
            cross: {}
          resources:
            grid: {}
            learn: {}
            inputs: {}
            plastic: {}
            crosscheck: {}
    """,
}


@pytest.fixture(scope="module")
def toy(repo, tmp_path_factory):
    """A scratch repository with the toy paper registered, after ``all`` ran once."""
    work = tmp_path_factory.mktemp("toy")
    env = make_scratch_copy(repo, work)
    for name, text in FILES.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    with open(work / "config/toy.yaml", "a", encoding="utf-8") as handle:  # only the toy in all
        handle.writelines(f"{paper}: {{enabled: false}}\n" for paper in REGISTRY)
    registry = work / "src/synplast/registry.py"
    registry.write_text(
        registry.read_text().replace('    "sadeh2015",\n', '    "sadeh2015",\n    "toy",\n')
    )
    done = snakemake(work, "--cores", "2", "all", "--configfile", "config/toy.yaml", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return work, env


def dry_run(work: Path, env: dict, *targets: str) -> str:
    done = snakemake(work, "-n", *targets, "--configfile", "config/toy.yaml", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def test_deterministic_stages_have_no_seed_in_path_or_attributes(toy):
    work, _ = toy
    for stage in ("grid", "learn"):
        ds = read_stage(work / f"results/toy/A_main/{stage}.nc", paper="toy", stage=stage)
        assert "seed" not in ds.attrs and "seeds" not in ds.attrs
    assert not list((work / "results/toy/A_main").glob("seed*"))
    seeded = read_stage(work / "results/toy/B_first/seed2/plastic.nc", seed=2)
    assert seeded.attrs["seed"] == 2


def test_second_induction_starts_from_the_state_the_first_left(toy):
    work, _ = toy
    for seed in (1, 2):
        first = read_stage(work / f"results/toy/B_first/seed{seed}/plastic.nc")
        second = read_stage(work / f"results/toy/B_second/seed{seed}/plastic.nc")
        drive = read_stage(work / f"results/toy/B_second/seed{seed}/inputs.nc")
        expected = first["value"].values + 2.0 * drive["value"].values
        assert (second["value"].values == expected).all()
        upstream = json.loads(second.attrs["inputs_sha256"])
        assert f"results/toy/B_first/seed{seed}/plastic.nc" in upstream


def test_optional_stage_and_the_figure_reading_it_are_outside_all(toy):
    work, env = toy
    assert not (work / "results/toy/B_second/seed1/crosscheck.nc").exists()
    assert not (work / "results/toy/figures/cross.png").exists()
    assert (work / "results/toy/figures/curve.png").exists()
    assert "Nothing to be done" in dry_run(work, env, "all")
    planned = dry_run(work, env, "results/toy/figures/cross.png")
    assert "results/toy/B_second/seed1/crosscheck.nc" in planned
    # an optional scenario (a large scale run) too: outside all, built by naming its file
    assert not (work / "results/toy/B_large").exists()
    assert "results/toy/B_large/seed1/inputs.nc" in dry_run(
        work, env, "results/toy/B_large/seed1/plastic.nc"
    )
    assert "envs/toy_peer.yaml" not in planned or "conda" in planned


def test_optional_stage_without_its_peer_fails_with_a_line_naming_the_extra(toy):
    work, env = toy
    done = snakemake(
        work,
        "--cores",
        "1",
        "results/toy/B_second/seed1/crosscheck.nc",
        "--configfile",
        "config/toy.yaml",
        env=env,
    )
    assert done.returncode != 0
    assert "toy.crosscheck needs 'toy_peer_simulator'" in done.stderr
    assert "pip install -e '.[peer]'" in done.stderr
    assert not (work / "results/toy/B_second/seed1/crosscheck.nc").exists()


@pytest.mark.parametrize(
    ("module", "rerun"),
    [
        ("model_a.py", {"A_main/grid.nc", "A_main/learn.nc", "figures/curve.png", "claims.nc"}),
        ("model_b.py", {"B_first/seed1/inputs.nc", "B_second/seed2/plastic.nc", "claims.nc"}),
    ],
)
def test_editing_one_sub_model_reruns_only_that_sub_model(toy, module, rerun):
    work, env = toy
    path = work / "src/synplast/papers/toy" / module
    original = path.read_text()
    try:
        path.write_text(original + "\n# an edit\n")
        planned = dry_run(work, env, "all")
        for name in rerun:
            assert f"results/toy/{name}" in planned
        other = "B_first" if module == "model_a.py" else "A_main"
        outputs = [line for line in planned.splitlines() if line.strip().startswith("output:")]
        assert not any(other in line for line in outputs), outputs
    finally:
        path.write_text(original)
    assert "Nothing to be done" in dry_run(work, env, "all")


def test_undeclared_stage_file_is_refused_while_planning(toy):
    work, env = toy
    done = snakemake(
        work, "-n", "results/toy/A_main/seed1/grid.nc", "--configfile", "config/toy.yaml", env=env
    )
    assert done.returncode != 0
    assert "toy.A_main.grid is deterministic" in done.stdout + done.stderr
