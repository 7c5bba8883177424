"""Config: validation against the JSON schema, defaults, and per-scenario resolution.

The workflow's config (``config/config.yaml``, optionally overlaid by ``--configfile``) is
checked against ``workflow/schemas/config.schema.yaml`` before any job is planned.  Every key has
a type, a range or an enum, a description and a default; an unknown key or a bad value is a
:class:`ConfigError` whose message is one line naming the key path and what was expected, e.g.::

    config error: tsodyks2000.model.dt_ms: -1 is less than the minimum of 0.001

A paper's section holds ``model`` (parameters, paper-faithful defaults), ``protocol``
(durations), ``analysis`` (metric definitions) and ``scenarios``.  A scenario names its seeds and
overrides any ``model``/``protocol`` key; :func:`scenario_config` resolves one scenario into the
exact parameter set a stage runs with, which is also what its stage files record.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import yaml

__all__ = [
    "ConfigError",
    "deep_merge",
    "fill_defaults",
    "load_schema",
    "scenario_config",
    "validate_config",
]

RESOLVED_SECTIONS = ("model", "protocol", "analysis")


class ConfigError(ValueError):
    """A config key or value is not what the schema allows (one-line message)."""


def load_schema(path: str | Path) -> dict:
    """Read the YAML JSON-schema file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref are supported, got {ref!r}")
        node = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


def fill_defaults(config: dict, schema: dict, root: dict | None = None) -> dict:
    """Insert the schema's defaults for absent keys, in place (named properties only).

    Maps of user-named entries (``scenarios``) are not filled: a scenario holds only the keys it
    overrides.
    """
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    for key, sub in schema.get("properties", {}).items():
        sub_resolved = _resolve(sub, root)
        default = sub.get("default", sub_resolved.get("default"))
        if key not in config and default is not None:
            config[key] = copy.deepcopy(default)
        if isinstance(config.get(key), dict) and sub_resolved.get("type") == "object":
            fill_defaults(config[key], sub_resolved, root)
    return config


def _key_path(parts) -> str:
    return ".".join(str(part) for part in parts) or "<top level>"


def _one_line(error: jsonschema.ValidationError) -> str:
    where = _key_path(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        prefix = f"{where}." if error.absolute_path else ""
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"config error: unknown key {prefix}{extra[0]}{hint}"
    if error.validator == "required":
        return f"config error: {where}: {error.message}"
    expected = error.schema.get("description", "")
    message = error.message.replace("\n", " ")
    if len(message) > 160:
        message = message[:157] + "..."
    suffix = f" (expected: {expected})" if expected else ""
    return f"config error: {where}: {message}{suffix}"


def _check(instance, schema: dict, root: dict, prefix: tuple = ()) -> None:
    if schema is not root:
        schema = {"$defs": root.get("$defs", {}), **schema}
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        error = errors[0]
        error.path.extendleft(reversed(prefix))
        raise ConfigError(_one_line(error))


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
    """Fill defaults into ``config`` in place, validate it, and validate every scenario.

    Each scenario's overrides are merged into its paper's sections and the result is checked
    against the same schema, so an override is held to the same types and ranges as a default.
    Returns ``config``.
    """
    schema = load_schema(schema_path)
    _check(config, schema, schema)
    fill_defaults(config, schema)
    _check(config, schema, schema)
    for paper, section in config.items():
        if not isinstance(section, dict):
            continue
        paper_schema = _resolve(schema["properties"][paper], schema)
        for scenario in section.get("scenarios", {}):
            resolved = scenario_config(config, paper, scenario)
            for part in RESOLVED_SECTIONS:
                if part in resolved and part in paper_schema.get("properties", {}):
                    _check(
                        resolved[part],
                        paper_schema["properties"][part],
                        schema,
                        prefix=(paper, "scenarios", scenario, part),
                    )
        _check_scenario_references(paper, section)
    return config


def _check_scenario_references(paper: str, section: Mapping) -> None:
    """Every ``*scenario`` / ``scenarios`` entry of ``figures`` and ``claims`` must exist."""
    known = set(section.get("scenarios", {}))
    for part in ("figures", "claims"):

        def walk(node, path):
            if isinstance(node, Mapping):
                for key, value in node.items():
                    here = (*path, key)
                    names = []
                    if key.endswith("scenario") and isinstance(value, str):
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


def scenario_config(config: Mapping, paper: str, scenario: str) -> dict:
    """The exact parameters of one scenario: its paper's sections with its overrides merged.

    Returns ``{"model": ..., "protocol": ..., "analysis": ..., "seeds": [...]}``.
    """
    try:
        section = config[paper]
        overrides = section["scenarios"][scenario]
    except KeyError:
        raise ConfigError(f"config error: no scenario {paper}.scenarios.{scenario}") from None
    resolved = {
        part: deep_merge(section.get(part, {}), overrides.get(part, {}))
        for part in RESOLVED_SECTIONS
        if part in section or part in overrides
    }
    resolved["seeds"] = list(overrides.get("seeds", []))
    return resolved
