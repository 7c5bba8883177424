"""The ``synplast`` command.

``synplast trace [--config] FILE``
    Print the chain of files behind a figure (PNG, PDF or NetCDF), a stage file, or the
    scorecard JSON: for each file its stage, paper, scenario, seed, config hash, code hash and
    git commit, then its upstream files, recursively, each checked against the sha256 recorded
    when it was consumed (``ok``, ``CHANGED`` or ``MISSING``), down to the stage files that read
    no other file, marked ``(root)``.  ``--config`` prints under every stage file the exact
    config it ran with (compact JSON).

``synplast verify FILE [FILE ...]``
    Recompute every checksum of the chains behind the files (as ``trace`` walks them) and
    print one line per file that no longer matches what produced it: changed since it was read,
    missing, unreadable or without provenance, a config hash that is not its config's, a named
    NetCDF file whose content fails its checksum; then a summary line.  Exit status 0 when
    everything matches, 1 otherwise.

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


def _seed_text(attrs: dict) -> str:
    """``seed=N``, ``seeds=A,B,...`` or ``deterministic``."""
    if "seed" in attrs:
        return f"seed={attrs['seed']}"
    if "seeds" in attrs:
        return f"seeds={','.join(str(s) for s in json.loads(attrs['seeds']))}"
    return "deterministic"


def _describe(attrs: dict) -> str:
    """One line of a file's provenance: stage, paper, scenario, seed and hashes."""
    dirty = "+dirty" if int(attrs.get("git_dirty", 0)) else ""
    return (
        f"stage={attrs.get('stage')} paper={attrs.get('paper')} "
        f"scenario={attrs.get('scenario')} {_seed_text(attrs)} "
        f"config={str(attrs.get('config_sha256', '?'))[:12]} "
        f"code={str(attrs.get('code_sha256', '?'))[:12]} "
        f"commit={str(attrs.get('git_commit', '?'))[:12]}{dirty} "
        f"created={attrs.get('date_created', '?')}"
    )


def _status(link) -> str:
    """The bracketed check of a link against the record of the file that read it."""
    if link.missing:
        return " [MISSING]"
    if link.changed:
        return " [CHANGED since it was read]"
    if link.pinned or (link.recorded_by is not None and "recorded" not in link.problems):
        return " [ok]"
    return ""


def trace(path: str | Path, out=None, *, show_config: bool = False) -> int:
    """Print the provenance chain of ``path``; returns the number of files with a problem.

    A file reached a second time (e.g. ``inputs.nc`` via ``plastic.nc``) is listed without
    its upstream again.  ``show_config`` prints each stage file's ``config_json``.
    """
    from synplast.chain import ChainWalker

    out = out or sys.stdout
    problems = 0
    for link in ChainWalker().walk(path):
        problems += bool(link.problems)
        indent = "  " * link.depth
        head = f"{indent}{link.path}{_status(link)}"
        if link.scorecard_claims is not None:
            print(f"{link.path}: scorecard of {link.scorecard_claims} claims", file=out)
        elif link.missing:
            print(head, file=out)
        elif link.repeat:
            print(f"{head} (listed above)", file=out)
        elif link.attrs is None:
            print(f"{head}: {link.problems['unreadable']}", file=out)
        else:
            root = " (root)" if link.is_root else ""
            print(f"{head}: {_describe(link.attrs)}{root}", file=out)
            if show_config and "config_json" in link.attrs:
                print(f"{indent}  config: {link.attrs['config_json']}", file=out)
        for kind, text in link.problems.items():
            if kind not in ("missing", "changed") and link.attrs is not None:
                print(f"{indent}  ! {text}", file=out)
    return problems


def verify(paths: list[str | Path], out=None) -> int:
    """Check the chains behind ``paths``; print one line per file that no longer matches what
    produced it, then a summary.  Returns the number of such lines."""
    from synplast.chain import ChainWalker

    out = out or sys.stdout
    walker = ChainWalker(check_contents=True)
    problems = 0
    reached: set[Path] = set()
    for path in paths:
        for link in walker.walk(path):
            reached.add(link.path.resolve())
            if not link.problems:
                continue
            problems += 1
            where = (
                f"recorded by {link.recorded_by}"
                if link.recorded_by is not None
                else "named on the command line"
            )
            print(f"{link.path}: {'; '.join(link.problems.values())} ({where})", file=out)
    files = len(reached)
    verdict = "all match" if not problems else f"{problems} problem{'s' * (problems != 1)}"
    print(f"verified {files} file{'s' * (files != 1)}: {verdict}", file=out)
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
    p_trace.add_argument(
        "--config", action="store_true", help="print the config every stage file ran with"
    )
    p_verify = sub.add_parser(
        "verify", help="recompute the checksums of the chains behind files; exit 1 on a mismatch"
    )
    p_verify.add_argument("files", nargs="+")
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
    from synplast.kernels.guard import SimulationDiverged
    from synplast.stagefile import StageFileError

    try:
        if args.command == "trace":
            if not Path(args.file).is_file():
                raise FileNotFoundError(f"{args.file}: no such file")
            problems = trace(args.file, show_config=args.config)
            return 1 if problems else 0
        if args.command == "verify":
            return 1 if verify(args.files) else 0
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
    except SimulationDiverged as error:  # one line: paper, scenario, seed, stage, step, variable
        print(f"synplast: {error}", file=sys.stderr)
        return 1
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
