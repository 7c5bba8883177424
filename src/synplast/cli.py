"""The ``synplast`` command.

``synplast trace FILE``
    Print the chain of files behind a figure (PNG, PDF or NetCDF), a stage file, or the
    scorecard JSON: for each file its stage, paper, scenario, seed, config hash, code hash and
    git commit, then its upstream files, recursively, each checked against the sha256 recorded
    when it was consumed (``ok``, ``CHANGED`` or ``MISSING``).

``synplast stage PAPER STAGE SCENARIO [SEED]`` / ``synplast figure PAPER FIGURE`` /
``synplast claims PAPER``
    Run one rule's work outside Snakemake (for debugging), with the same code and config
    handling as the workflow, writing to the same paths.  The stages, and which of them take a
    seed, are the ones the paper declares (``synplast stages PAPER`` lists them).

``synplast stages [PAPER ...]``
    List each paper's declared stage graph: per scenario, each stage, what it reads, the config
    sections it depends on, and whether it is seeded or optional.

``synplast check-config [CONFIG ...]``
    Validate config files (merged in order, as ``--configfile`` does) against the schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

DEFAULT_SCHEMA = Path("workflow/schemas/config.schema.yaml")
DEFAULT_CONFIG = Path("config/config.yaml")


def _file_provenance(path: Path) -> dict:
    """Provenance attributes of a NetCDF stage file or a figure (PNG/PDF)."""
    if path.suffix in (".png", ".pdf"):
        from synplast.plotting import read_figure_provenance

        return read_figure_provenance(path)
    import netCDF4

    with netCDF4.Dataset(path) as handle:
        return {key: handle.getncattr(key) for key in handle.ncattrs()}


def _seed_text(attrs: dict) -> str:
    if "seed" in attrs:
        return f"seed={attrs['seed']}"
    if "seeds" in attrs:
        return f"seeds={','.join(str(s) for s in json.loads(attrs['seeds']))}"
    return "deterministic"


def _describe(attrs: dict) -> str:
    dirty = "+dirty" if int(attrs.get("git_dirty", 0)) else ""
    return (
        f"stage={attrs.get('stage')} paper={attrs.get('paper')} "
        f"scenario={attrs.get('scenario')} {_seed_text(attrs)} "
        f"config={str(attrs.get('config_sha256', '?'))[:12]} "
        f"code={str(attrs.get('code_sha256', '?'))[:12]} "
        f"commit={str(attrs.get('git_commit', '?'))[:12]}{dirty} "
        f"created={attrs.get('date_created', '?')}"
    )


def trace(
    path: str | Path, out=None, _depth: int = 0, _status: str = "", _seen: set | None = None
) -> int:
    """Print the provenance chain of ``path``; returns the number of problems found.

    A file reached a second time (e.g. ``inputs.nc`` via ``plastic.nc``) is listed without
    its upstream again.
    """
    from synplast.provenance import file_sha256

    out = out or sys.stdout
    seen = set() if _seen is None else _seen
    path = Path(path)
    indent = "  " * _depth
    if path.suffix == ".json" and _depth == 0:
        rows = json.loads(path.read_text())["claims"]
        print(f"{path}: scorecard of {len(rows)} claims", file=out)
        return sum(
            trace(src, out, 1, _seen=seen) for src in dict.fromkeys(r["source"] for r in rows)
        )
    if path.resolve() in seen:
        print(f"{indent}{path}{_status} (listed above)", file=out)
        return 0
    seen.add(path.resolve())
    try:
        attrs = _file_provenance(path)
    except Exception as error:  # unreadable or foreign file: say so, in one line
        print(f"{indent}{path}{_status}: no provenance ({error})", file=out)
        return 1
    print(f"{indent}{path}{_status}: {_describe(attrs)}", file=out)
    problems = 0
    upstream = json.loads(attrs.get("inputs_sha256", "{}") or "{}")
    for parent, recorded in upstream.items():
        parent_path = Path(parent)
        if not parent_path.is_file():
            print(f"{indent}  {parent} [MISSING]", file=out)
            problems += 1
            continue
        same = file_sha256(parent_path) == recorded
        status = " [ok]" if same else " [CHANGED since it was read]"
        problems += 0 if same else 1
        problems += trace(parent_path, out, _depth + 1, status, seen)
    return problems


def load_config(paths: list[str], schema: Path = DEFAULT_SCHEMA) -> dict:
    """Merge config files in order (later ones override) and validate the result."""
    from synplast.config import deep_merge, validate_config

    config: dict = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            config = deep_merge(config, yaml.safe_load(handle) or {})
    return validate_config(config, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="synplast", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_trace = sub.add_parser("trace", help="print the provenance chain of a file")
    p_trace.add_argument("file")
    configs = argparse.ArgumentParser(add_help=False)
    configs.add_argument(
        "--configfile",
        nargs="+",
        default=[str(DEFAULT_CONFIG)],
        help="config files, merged in order (default: config/config.yaml)",
    )
    sub.add_parser("check-config", parents=[configs], help="validate config files")
    p_stage = sub.add_parser("stage", parents=[configs], help="run one declared stage")
    p_stage.add_argument("paper")
    p_stage.add_argument("stage")
    p_stage.add_argument("scenario")
    p_stage.add_argument("seed", type=int, nargs="?", help="seed (seeded stages only)")
    p_stages = sub.add_parser("stages", parents=[configs], help="list the declared stages")
    p_stages.add_argument("papers", nargs="*")
    p_figure = sub.add_parser("figure", parents=[configs], help="draw one figure")
    p_figure.add_argument("paper")
    p_figure.add_argument("figure")
    p_claims = sub.add_parser("claims", parents=[configs], help="measure a paper's claims")
    p_claims.add_argument("paper")
    args = parser.parse_args(argv)

    from synplast.config import ConfigError
    from synplast.stagefile import StageFileError

    try:
        if args.command == "trace":
            if not Path(args.file).is_file():
                raise FileNotFoundError(f"{args.file}: no such file")
            problems = trace(args.file)
            return 1 if problems else 0
        config = load_config(args.configfile)
        if args.command == "check-config":
            print(f"config ok: {', '.join(args.configfile)}")
            return 0
        return _run(args, config)
    except (ConfigError, StageFileError, FileNotFoundError, KeyError, ValueError) as error:
        if isinstance(error, KeyError):
            error = error.args[0] if error.args else error
        print(f"synplast: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `synplast trace FILE | head`
        return 0


def describe_stages(config: dict, papers: list[str], out=None) -> None:
    """Print each paper's declared stage graph, scenario by scenario."""
    from synplast.pipeline import graph

    out = out or sys.stdout
    for paper in papers:
        print(f"{paper}:", file=out)
        for scenario in config[paper]["scenarios"]:
            seeds = graph.seeds_of(config, paper, scenario)
            print(
                f"  {scenario} (sub-model {graph.submodel_of(config, paper, scenario)}, "
                f"seeds {seeds or 'none'}):",
                file=out,
            )
            for name, stage in graph.scenario_stages(config, paper, scenario).items():
                reads = ", ".join(
                    f"{r.stage}@{r.scenario or r.scenario_from or 'same'}" for r in stage.read_specs
                )
                flags = ("seeded" if stage.seeded else "deterministic") + (
                    ", optional" if stage.optional else ""
                )
                print(
                    f"    {name}: {stage.function} reads [{reads}] depends on "
                    f"[{', '.join(stage.sections)}] ({flags})",
                    file=out,
                )


def _run(args, config: dict) -> int:
    from synplast.pipeline import figure_stem
    from synplast.registry import REGISTRY

    root = config["results_dir"]
    if args.command == "stages":
        describe_stages(config, args.papers or list(REGISTRY))
    elif args.command == "stage":
        from synplast.pipeline.stage import run_stage

        print(
            run_stage(args.paper, args.stage, config=config, scenario=args.scenario, seed=args.seed)
        )
    elif args.command == "figure":
        from synplast.pipeline.figure import render_figure

        for out in render_figure(
            args.paper,
            args.figure,
            config=config,
            stem=figure_stem(args.paper, args.figure, root),
            root=root,
        ):
            print(out)
    else:
        from synplast.pipeline.claims import evaluate_claims

        print(
            evaluate_claims(
                args.paper, config=config, output=Path(root) / args.paper / "claims.nc", root=root
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
