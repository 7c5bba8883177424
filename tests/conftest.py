"""Shared fixtures: the repository, the validated configs, tsodyks2000 parameters."""

from __future__ import annotations

import copy
import os
from pathlib import Path

# Two Numba threads must be available for the thread-count determinism tests, even on a
# one-core machine; this has to happen before Numba is first imported.
os.environ.setdefault("NUMBA_NUM_THREADS", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
import yaml  # noqa: E402

from synplast.config import deep_merge, validate_config  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def load_config(*names: str) -> dict:
    """The repository's config files merged in order and validated (defaults filled)."""
    config: dict = {}
    for name in names:
        with open(REPO / "config" / name, encoding="utf-8") as handle:
            config = deep_merge(config, yaml.safe_load(handle))
    return validate_config(config, SCHEMA)


def sadeh_params(**overrides):
    """sadeh2015 parameters of the main config's ``main`` scenario, with field ``overrides``
    (parameter objects have no defaults of their own: they come from the validated config)."""
    from dataclasses import replace

    from synplast.config import scenario_config
    from synplast.papers.sadeh2015.params import params_from_config

    params = params_from_config(scenario_config(_main_config(), "sadeh2015", "main"))
    return replace(params, **overrides)


def _main_config() -> dict:
    if not hasattr(_main_config, "cached"):
        _main_config.cached = load_config("config.yaml")
    return copy.deepcopy(_main_config.cached)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def main_config() -> dict:
    return _main_config()


@pytest.fixture()
def config(main_config) -> dict:
    """A private copy of the main config, free to modify."""
    return copy.deepcopy(main_config)


@pytest.fixture(scope="session")
def small_config() -> dict:
    return load_config("config.yaml", "small.yaml")
