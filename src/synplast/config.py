"""Config: one schema per paper, defaults from the schema, validation, scenario resolution.

The workflow's schema is joined from ``workflow/schemas/config.schema.yaml`` (the top level),
``workflow/schemas/common.schema.yaml`` (definitions every paper uses) and one file per
registered paper, ``workflow/schemas/papers/<paper>.schema.yaml``.  jsonschema does the work:
``$ref`` across the files resolves through a :class:`referencing.Registry`, and defaults are
filled by a validator extended to insert each property's ``default``.  The schema is the one
source of every default; parameter objects are built from the validated config.

An unknown key or a bad value is a :class:`ConfigError` with a one-line message naming the key
path and what was expected, e.g.::

    config error: tsodyks2000.model.dt_ms: -1 is less than the minimum of 0.001

A paper's section holds ``model``, ``protocol`` and ``analysis`` and its ``scenarios``.  A
scenario names its seeds (when its stages are seeded), optionally its ``submodel``, and
overrides any section key; :func:`scenario_config` resolves one scenario, and every resolved
scenario is validated against the same schema, then by the paper's own cross-key check
(``check_scenario`` of its ``stages`` module) when it has one.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "ConfigError",
    "deep_merge",
    "load_schema",
    "params_object",
    "scenario_config",
    "validate_config",
]

RESOLVED_SECTIONS = ("model", "protocol", "analysis")
"""Sections a scenario may override; a stage declares which of them it depends on."""


class ConfigError(ValueError):
    """A config key or value is not what the schema allows (one-line message)."""


def _read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.cache
def _joined(schema_path: Path) -> tuple[dict, Registry]:
    """The top-level schema with one ``$ref`` per registered paper, and the registry of every
    schema file next to it (``common.schema.yaml``, ``papers/*.schema.yaml``)."""
    from synplast.registry import REGISTRY

    folder = schema_path.parent
    resources = []
    for path in [folder / "common.schema.yaml", *sorted((folder / "papers").glob("*.yaml"))]:
        contents = _read_yaml(path)
        # one dialect for all files: a ``$schema`` of its own would make jsonschema switch to a
        # fresh validator class inside the file, which does not fill defaults
        contents.pop("$schema", None)
        contents.setdefault("$id", path.resolve().as_uri())
        resources.append(
            (contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    top = _read_yaml(schema_path)
    top["$id"] = schema_path.resolve().as_uri()
    for paper in REGISTRY:
        paper_file = folder / "papers" / f"{paper}.schema.yaml"
        if not paper_file.is_file():
            raise ConfigError(f"config error: paper {paper} has no schema file {paper_file}")
        top["properties"][paper] = {"$ref": paper_file.resolve().as_uri(), "default": {}}
    registry = Registry().with_resources(resources)
    return top, registry


def load_schema(path: str | Path) -> dict:
    """The joined workflow schema (a copy; ``$ref`` to the other files stay references)."""
    return copy.deepcopy(_joined(Path(path).resolve())[0])


def _fill_defaults(validator, properties, instance, schema):
    """``properties`` keyword that first inserts each absent property's ``default``."""
    if isinstance(instance, dict):
        for key, subschema in properties.items():
            if key not in instance and "default" in subschema:
                instance[key] = copy.deepcopy(subschema["default"])
    yield from jsonschema.Draft202012Validator.VALIDATORS["properties"](
        validator, properties, instance, schema
    )


_Filling = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"properties": _fill_defaults}
)


def _key_path(parts) -> str:
    return ".".join(str(part) for part in parts) or "<top level>"


def _one_line(error: jsonschema.ValidationError, prefix: tuple = ()) -> str:
    where = _key_path((*prefix, *error.absolute_path))
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        lead = f"{where}." if (prefix or error.absolute_path) else ""
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"config error: unknown key {lead}{extra[0]}{hint}"
    if error.validator == "required":
        return f"config error: {where}: {error.message}"
    expected = error.schema.get("description", "")
    message = error.message.replace("\n", " ")
    if len(message) > 160:
        message = message[:157] + "..."
    suffix = f" (expected: {expected})" if expected else ""
    return f"config error: {where}: {message}{suffix}"


def _check(validator_class, instance, schema: dict, registry: Registry, prefix=()) -> None:
    validator = validator_class(schema, registry=registry)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        raise ConfigError(_one_line(errors[0], prefix))


def deep_merge(base: Mapping, override: Mapping) -> dict:
    """A new dict: ``base`` with ``override`` merged in, recursively for nested mappings."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def validate_config(config: dict, schema_path: str | Path) -> dict:
    """Fill the schema's defaults into ``config`` in place and validate it, then every scenario.

    Each scenario's overrides are merged into its paper's sections and the result is checked
    against the same schema (an override is held to the same types and ranges as a default),
    then by the paper's cross-key check.  Returns ``config``.
    """
    from synplast.registry import REGISTRY

    schema_path = Path(schema_path).resolve()
    schema, registry = _joined(schema_path)
    _check(_Filling, config, schema, registry)
    for paper in REGISTRY:
        section = config[paper]
        paper_uri = schema["properties"][paper]["$ref"]
        for scenario in section["scenarios"]:
            _check_scenario(config, paper, scenario, paper_uri, registry)
        _check_scenario_references(paper, section)
        _check_requested_files(config, paper)
    return config


def _check_scenario(
    config: dict, paper: str, scenario: str, paper_uri: str, registry: Registry
) -> None:
    """Validate one resolved scenario: sections, seeds against its stages, cross-key checks."""
    import importlib

    from synplast.pipeline import graph

    where = (paper, "scenarios", scenario)
    resolved = scenario_config(config, paper, scenario)
    for part in RESOLVED_SECTIONS:
        if part in resolved:
            ref = {"$ref": f"{paper_uri}#/properties/{part}"}
            _check(jsonschema.Draft202012Validator, resolved[part], ref, registry, (*where, part))
    try:
        seeded = graph.is_seeded(config, paper, scenario)
    except KeyError as error:
        raise ConfigError(f"config error: {_key_path(where)}.submodel: {error.args[0]}") from None
    has_seeds = "seeds" in section_of(config, paper, scenario)
    if seeded and not has_seeds:
        raise ConfigError(f"config error: {_key_path(where)}: its stages are seeded: give seeds")
    if not seeded and has_seeds:
        raise ConfigError(f"config error: {_key_path(where)}.seeds: its stages are deterministic")
    _check_reads_from_other_scenarios(config, paper, scenario, resolved)
    stages = importlib.import_module(f"synplast.papers.{paper}.stages")
    for key, message in getattr(stages, "check_scenario", lambda _: [])(resolved):
        raise ConfigError(f"config error: {_key_path(where)}.{key}: {message}")


def _check_reads_from_other_scenarios(
    config: Mapping, paper: str, scenario: str, resolved: Mapping
) -> None:
    """A read through ``scenario_from`` must name a defined scenario that has the read stage."""
    from synplast.pipeline import graph

    known = config[paper]["scenarios"]
    for stage in graph.scenario_stages(config, paper, scenario).values():
        for read in stage.read_specs:
            if not read.scenario_from:
                continue
            source = graph.dotted_value(resolved, read.scenario_from)
            key = f"{paper}.scenarios.{scenario}.{read.scenario_from}"
            if source is None:
                continue
            if source not in known:
                raise ConfigError(
                    f"config error: {key}: no scenario {source!r} (defined: {', '.join(known)})"
                )
            if read.stage not in graph.scenario_stages(config, paper, source):
                raise ConfigError(
                    f"config error: {key}: scenario {source!r} has no stage {read.stage!r} "
                    f"for {stage.name} to read"
                )


def _check_requested_files(config: Mapping, paper: str) -> None:
    """Every stage file a figure or the claims read must be one the scenarios declare (right
    scenario, stage and seed), and the paper's own checks of its references must pass."""
    import importlib

    from synplast.pipeline import graph
    from synplast.pipeline.claims import claim_requests

    stages = importlib.import_module(f"synplast.papers.{paper}.stages")
    readers = [
        (f"{paper}.figures.{figure}", lambda f=figure: stages.figure_requests(config, f))
        for figure in config[paper].get("figures", {})
    ]
    readers.append((f"{paper}.claims", lambda: claim_requests(config, paper)))
    for key, requests in readers:
        try:
            for scenario, seed, stage in requests():
                graph.check_request(config, paper, graph.Request(scenario, seed, stage))
        except (KeyError, ValueError) as error:
            raise ConfigError(f"config error: {key}: {error.args[0]}") from None
    for key, message in getattr(stages, "check_references", lambda _: [])(config):
        raise ConfigError(f"config error: {paper}.{key}: {message}")


def section_of(config: Mapping, paper: str, scenario: str) -> Mapping:
    """The config entry of one scenario (its overrides)."""
    try:
        return config[paper]["scenarios"][scenario]
    except KeyError:
        raise ConfigError(f"config error: no scenario {paper}.scenarios.{scenario}") from None


def _check_scenario_references(paper: str, section: Mapping) -> None:
    """Every ``*scenario`` / ``scenarios`` / ``replaces`` entry of ``figures`` and ``claims``
    (with its negative controls) must name a defined scenario."""
    known = set(section.get("scenarios", {}))
    for part in ("figures", "claims"):

        def walk(node, path):
            if isinstance(node, Mapping):
                for key, value in node.items():
                    here = (*path, key)
                    names = []
                    if (key.endswith("scenario") or key == "replaces") and isinstance(value, str):
                        names = [value]
                    elif key == "scenarios" and isinstance(value, list):
                        names = value
                    for name in names:
                        if name not in known:
                            raise ConfigError(
                                f"config error: {_key_path(here)}: no scenario {name!r} "
                                f"(defined: {', '.join(sorted(known))})"
                            )
                    walk(value, here)

        walk(section.get(part, {}), (paper, part))


def params_object(cls, params: Mapping, paper: str, sections=("model", "protocol")):
    """A paper's parameter dataclass ``cls`` from the given sections of a resolved scenario
    config, flattened; its fields have no defaults, so every key must be there and no other."""
    from dataclasses import fields

    flat = {key: value for section in sections for key, value in params[section].items()}
    known = {field.name for field in fields(cls)}
    unknown, missing = sorted(set(flat) - known), sorted(known - set(flat))
    if unknown or missing:
        raise ValueError(f"{paper}: unknown {unknown} or missing {missing} parameters")
    return cls(**flat)


def scenario_config(config: Mapping, paper: str, scenario: str) -> dict:
    """The exact parameters of one scenario: its paper's sections with its overrides merged.

    Returns ``{"model": ..., "protocol": ..., "analysis": ..., "seeds": [...]}`` (``seeds``
    empty for a scenario of deterministic stages).
    """
    overrides = section_of(config, paper, scenario)
    section = config[paper]
    resolved = {
        part: deep_merge(section.get(part, {}), overrides.get(part, {}))
        for part in RESOLVED_SECTIONS
        if part in section or part in overrides
    }
    resolved["seeds"] = list(overrides.get("seeds", []))
    return resolved
