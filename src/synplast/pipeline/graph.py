"""Declared stage graphs: what each paper's stages are, read, depend on, and where they live.

A paper declares its stages once, in ``synplast/papers/<paper>/stages.py``; the workflow's rules,
its targets, ``synplast stage`` and ``synplast trace`` are all derived from that declaration.
The common case is one line::

    STAGES = standard_chain(
        inputs=("model",),
        plastic=("model", "protocol.burn_in_ms"),
        test=("model", "protocol", "analysis"),
    )

which is ``inputs -> plastic -> test`` with the config sections each stage depends on (a
dotted entry such as ``protocol.burn_in_ms`` selects one key of a section).  A stage function
receives exactly those sections, nothing else, so its declaration cannot silently fall out of
date: a job reruns when, and only when, a declared section, its code or its input files change.

A paper with several sub-models declares ``SUBMODELS = {"A": (...), "B": (...)}`` instead; each
scenario names its sub-model with the ``submodel`` key of its config.  A stage may be
deterministic (``seeded=False``: no seed in its path or attributes), may read a stage of another
scenario (:class:`Read` with ``scenario=`` a fixed name or ``scenario_from=`` a config key naming
it, e.g. a second induction that starts from the state the first one left), and may be optional
(``optional=True``: outside ``all``, built only when its file or a figure reading it is named,
typically in its own conda environment or pip extra).

This module is imported when the workflow plans, so it imports nothing heavy.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from synplast.registry import REGISTRY

DEFAULT_CONDA_ENV = "envs/synplast.yaml"
"""Conda environment of every stage that does not name its own (path from the repo root)."""

DEFAULT_SUBMODEL = "main"
"""Sub-model name of a paper that declares a single chain (``STAGES``)."""


@dataclass(frozen=True)
class Read:
    """One stage file a stage reads.

    ``stage`` of the reading job's own scenario (and seed) by default; of the scenario named
    ``scenario``, or of the scenario named by the reading scenario's config key
    ``scenario_from`` (dotted, e.g. ``protocol.start_from``; a null value means "no such file":
    the stage function then receives ``None`` in that position).  The read file has a seed in
    its path only when its stage is seeded, and then the reading job's seed.
    """

    stage: str
    scenario: str | None = None
    scenario_from: str | None = None


@dataclass(frozen=True)
class Stage:
    """One declared stage of a paper.

    ``function`` is ``"module:function"`` inside the paper's package; it is called as
    ``function(*read_datasets, params)`` for a deterministic stage and
    ``function(*read_datasets, params, seed)`` for a seeded one, where ``params`` holds exactly
    the declared ``sections`` of the resolved scenario config.
    """

    name: str
    function: str
    reads: tuple[str | Read, ...] = ()
    sections: tuple[str, ...] = ("model", "protocol")
    seeded: bool = True
    optional: bool = False
    conda: str = DEFAULT_CONDA_ENV
    extra: str | None = None
    description: str = ""

    @property
    def module(self) -> str:
        """Module of the stage function, relative to the paper package (e.g. ``probe``)."""
        return self.function.split(":", 1)[0]

    @property
    def function_name(self) -> str:
        return self.function.split(":", 1)[1]

    @property
    def read_specs(self) -> tuple[Read, ...]:
        return tuple(r if isinstance(r, Read) else Read(r) for r in self.reads)


def standard_chain(
    *,
    inputs: tuple[str, ...] = ("model", "protocol"),
    plastic: tuple[str, ...] = ("model", "protocol"),
    test: tuple[str, ...] = ("model", "protocol", "analysis"),
    seeded: bool = True,
) -> tuple[Stage, ...]:
    """``inputs -> plastic -> test`` of ``inputs.make_inputs``, ``plastic.run_plastic`` and
    ``probe.run_test``, with the config sections each depends on."""
    return (
        Stage("inputs", "inputs:make_inputs", (), inputs, seeded, description="draw the inputs"),
        Stage(
            "plastic",
            "plastic:run_plastic",
            ("inputs",),
            plastic,
            seeded,
            description="the plastic phase",
        ),
        Stage(
            "test",
            "probe:run_test",
            ("inputs", "plastic"),
            test,
            seeded,
            description="the post-plasticity test",
        ),
    )


@dataclass(frozen=True)
class Request:
    """One stage file: ``(scenario, seed, stage)``, ``seed`` None for a deterministic stage."""

    scenario: str
    seed: int | None
    stage: str

    def __iter__(self):  # so that ``scenario, seed, stage = request`` works
        return iter((self.scenario, self.seed, self.stage))


@dataclass(frozen=True)
class PaperDeclaration:
    """A paper's stage graph and the modules its figures and claims run."""

    paper: str
    submodels: Mapping[str, tuple[Stage, ...]]
    module: object = field(repr=False, compare=False)

    def stages(self, submodel: str) -> dict[str, Stage]:
        try:
            return {stage.name: stage for stage in self.submodels[submodel]}
        except KeyError:
            raise KeyError(
                f"{self.paper}: no sub-model {submodel!r} (declared: {', '.join(self.submodels)})"
            ) from None

    def all_stages(self) -> dict[str, Stage]:
        """Every stage name -> its declaration (names may repeat across sub-models only with
        the same seededness)."""
        found: dict[str, Stage] = {}
        for stages in self.submodels.values():
            for stage in stages:
                found.setdefault(stage.name, stage)
        return found

    def figure_module(self, figure: str) -> str:
        return getattr(self.module, "FIGURE_MODULES", {}).get(figure, "figures")

    @property
    def claims_module(self) -> str:
        return getattr(self.module, "CLAIMS_MODULE", "claims")


_DECLARATIONS: dict[str, PaperDeclaration] = {}


def declaration(paper: str) -> PaperDeclaration:
    """The stage graph of a registered paper (``synplast/papers/<paper>/stages.py``)."""
    if paper not in _DECLARATIONS:
        if paper not in REGISTRY:
            raise KeyError(f"unknown paper {paper!r} (registered: {', '.join(REGISTRY)})")
        module = importlib.import_module(f"synplast.papers.{paper}.stages")
        if hasattr(module, "SUBMODELS"):
            submodels = dict(module.SUBMODELS)
        else:
            submodels = {DEFAULT_SUBMODEL: tuple(module.STAGES)}
        _DECLARATIONS[paper] = PaperDeclaration(paper, submodels, module)
    return _DECLARATIONS[paper]


# --- scenarios -------------------------------------------------------------------------------


def scenario_section(config: Mapping, paper: str, scenario: str) -> Mapping:
    """The config entry of one scenario; a one-line ``KeyError`` if it is not defined."""
    scenarios = config[paper]["scenarios"]
    if scenario not in scenarios:
        raise KeyError(
            f"{paper}: no scenario {scenario!r} in the config (defined: {', '.join(scenarios)})"
        )
    return scenarios[scenario]


def submodel_of(config: Mapping, paper: str, scenario: str) -> str:
    return scenario_section(config, paper, scenario).get("submodel", DEFAULT_SUBMODEL)


def scenario_stages(config: Mapping, paper: str, scenario: str) -> dict[str, Stage]:
    """The stages of the sub-model that ``scenario`` runs."""
    return declaration(paper).stages(submodel_of(config, paper, scenario))


def stage_of(config: Mapping, paper: str, scenario: str, stage: str) -> Stage:
    stages = scenario_stages(config, paper, scenario)
    if stage not in stages:
        raise KeyError(f"{paper}.{scenario}: no stage {stage!r} (its stages: {', '.join(stages)})")
    return stages[stage]


def seeds_of(config: Mapping, paper: str, scenario: str) -> list[int]:
    return [int(s) for s in scenario_section(config, paper, scenario).get("seeds", [])]


def is_seeded(config: Mapping, paper: str, scenario: str) -> bool:
    """Whether any stage of the scenario's sub-model is seeded (then it must list seeds)."""
    return any(stage.seeded for stage in scenario_stages(config, paper, scenario).values())


def stage_requests(config: Mapping, paper: str, scenario: str, stage: str) -> list[Request]:
    """Every file of ``stage`` in ``scenario``: one per seed, or one if deterministic."""
    declared = stage_of(config, paper, scenario, stage)
    if not declared.seeded:
        return [Request(scenario, None, stage)]
    return [Request(scenario, seed, stage) for seed in seeds_of(config, paper, scenario)]


def check_request(config: Mapping, paper: str, request: Request) -> Stage:
    """The declaration of a requested file; a one-line error if no such file is declared."""
    declared = stage_of(config, paper, request.scenario, request.stage)
    if declared.seeded != (request.seed is not None):
        kind = "seeded" if declared.seeded else "deterministic"
        raise ValueError(f"{paper}.{request.scenario}.{request.stage} is {kind}")
    if declared.seeded and request.seed not in seeds_of(config, paper, request.scenario):
        raise ValueError(f"{paper}.{request.scenario}: seed {request.seed} is not in its seeds")
    return declared


def dotted_value(config: Mapping, key: str):
    """The value at a dotted key (``protocol.B.start_from``) of a nested mapping; None if
    any part is absent."""
    node = config
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def upstream_requests(config: Mapping, paper: str, request: Request) -> list[Request | None]:
    """The files ``request``'s stage reads, in call order (``None`` for a read whose
    ``scenario_from`` key is null)."""
    from synplast.config import scenario_config

    declared = check_request(config, paper, request)
    resolved = None
    found: list[Request | None] = []
    for read in declared.read_specs:
        scenario = read.scenario or request.scenario
        if read.scenario_from:
            resolved = resolved or scenario_config(config, paper, request.scenario)
            scenario = dotted_value(resolved, read.scenario_from)
            if scenario is None:
                found.append(None)
                continue
        upstream = stage_of(config, paper, scenario, read.stage)
        seed = request.seed if upstream.seeded else None
        if upstream.seeded and seed is None:
            raise ValueError(
                f"{paper}.{request.scenario}.{request.stage} is deterministic but reads the "
                f"seeded stage {scenario}.{read.stage}"
            )
        upstream_request = Request(scenario, seed, read.stage)
        check_request(config, paper, upstream_request)
        found.append(upstream_request)
    return found


def stage_params(config: Mapping, paper: str, scenario: str, stage: str) -> dict:
    """Exactly the config a stage depends on: its declared sections of the resolved scenario
    (recorded in its file as ``config_json``, hashed into the rule's params)."""
    from synplast.config import scenario_config

    resolved = scenario_config(config, paper, scenario)
    params: dict = {}
    for entry in stage_of(config, paper, scenario, stage).sections:
        section, _, key = entry.partition(".")
        if section not in resolved:
            raise KeyError(f"{paper}.{scenario}: stage {stage} declares absent section {section!r}")
        if key:
            params.setdefault(section, {})[key] = resolved[section][key]
        else:
            params[section] = resolved[section]
    return params


# --- paths -----------------------------------------------------------------------------------


def stage_path(
    paper: str, scenario: str, seed: int | None, stage: str, root: str | Path = "results"
) -> Path:
    """``<root>/<paper>/<scenario>/seed<seed>/<stage>.nc``, or without ``seed<seed>/`` for a
    deterministic stage (``seed`` None)."""
    base = Path(root) / paper / scenario
    if seed is not None:
        base = base / f"seed{int(seed)}"
    return base / f"{stage}.nc"


def figure_stem(paper: str, figure: str, root: str | Path = "results") -> Path:
    """``<root>/<paper>/figures/<figure>`` (``.png``, ``.pdf`` and ``.nc`` are added)."""
    return Path(root) / paper / "figures" / figure


# --- code hashes -----------------------------------------------------------------------------


def paper_module(paper: str, module: str) -> str:
    return f"synplast.papers.{paper}.{module}"


def stage_code_hash(paper: str, stage: Stage) -> str:
    """Content hash of the code one stage runs: the stage runner and the import closure of the
    stage function's module (so editing one sub-model's module reruns only its stages)."""
    from synplast.provenance import code_sha256

    return code_sha256("synplast.pipeline.stage", paper_module(paper, stage.module))


def figure_code_hash(paper: str, figure: str) -> str:
    from synplast.provenance import code_sha256

    decl = declaration(paper)
    return code_sha256(
        "synplast.pipeline.figure",
        paper_module(paper, decl.figure_module(figure)),
        paper_module(paper, "stages"),
    )


def claims_code_hash(paper: str) -> str:
    from synplast.provenance import code_sha256

    decl = declaration(paper)
    return code_sha256(
        "synplast.pipeline.claims",
        paper_module(paper, decl.claims_module),
        paper_module(paper, "stages"),
    )
