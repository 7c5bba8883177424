"""The provenance chain walker behind ``synplast trace`` and ``synplast verify``, on a small
chain of real stage files and a figure written in a temporary folder (no workflow run)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

import synplast.stagefile
from synplast.chain import ChainWalker
from synplast.cli import main
from synplast.plotting import save_figure
from synplast.stagefile import write_stage

RUN = {"paper": "tsodyks2000", "scenario": "main", "seed": 1, "code_sha256": "c" * 64}


def dataset(value: float) -> xr.Dataset:
    """A one-variable stage Dataset."""
    return xr.Dataset({"x_mV": ("k", [value, value + 1], {"units": "mV", "long_name": "x"})})


@pytest.fixture
def chain(tmp_path, monkeypatch):
    """inputs -> plastic -> test (which reads inputs too) -> figure, written in ``tmp_path``
    (the working directory, so the recorded paths are relative as in the workflow)."""
    monkeypatch.chdir(tmp_path)
    write_stage(dataset(1), "r/inputs.nc", stage="inputs", config={"model": {"n": 3}}, **RUN)
    write_stage(
        dataset(2), "r/plastic.nc", stage="plastic", config={"p": 1}, inputs=["r/inputs.nc"], **RUN
    )
    write_stage(
        dataset(3),
        "r/test.nc",
        stage="test",
        config={"a": 2},
        inputs=["r/inputs.nc", "r/plastic.nc"],
        **RUN,
    )
    fig = plt.figure()
    save_figure(fig, dataset(4), "r/fig", config={}, inputs=["r/test.nc"], **RUN)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    """``synplast argv``: (exit status, lines printed)."""
    status = main(list(argv))
    return status, capsys.readouterr().out.splitlines()


def test_the_walk_visits_each_file_once_and_checks_every_edge(chain):
    links = list(ChainWalker().walk("r/fig.png"))
    assert [(str(link.path), link.depth, link.repeat) for link in links] == [
        ("r/fig.png", 0, False),
        ("r/test.nc", 1, False),
        ("r/inputs.nc", 2, False),
        ("r/plastic.nc", 2, False),
        ("r/inputs.nc", 3, True),
    ]
    assert all(link.pinned for link in links[1:]) and not any(link.problems for link in links)
    assert [str(link.path) for link in links if link.is_root] == ["r/inputs.nc"]


def test_trace_marks_the_root_and_prints_configs_on_request(chain, capsys):
    status, lines = run(capsys, "trace", "r/fig.png")
    assert status == 0
    assert lines[0].startswith("r/fig.png: stage=figure")
    assert lines[2].startswith("    r/inputs.nc [ok]: stage=inputs") and lines[2].endswith("(root)")
    assert lines[-1] == "      r/inputs.nc [ok] (listed above)"
    status, lines = run(capsys, "trace", "--config", "r/test.nc")
    assert status == 0
    assert lines[1] == '  config: {"a":2}'
    assert lines[3] == '    config: {"model":{"n":3}}'


def test_verify_of_an_intact_chain(chain, capsys):
    assert run(capsys, "verify", "r/fig.png", "r/fig.pdf") == (0, ["verified 5 files: all match"])


def test_verify_reports_each_problem_once_per_reader(chain, capsys):
    write_stage(dataset(9), "r/inputs.nc", stage="inputs", config={"model": {"n": 3}}, **RUN)
    status, lines = run(capsys, "verify", "r/fig.png")
    assert status == 1
    assert [line.split(" (sha256")[0] for line in lines[:-1]] == [
        "r/inputs.nc: changed since it was read",
        "r/inputs.nc: changed since it was read",
    ]
    assert lines[0].endswith("(recorded by r/test.nc)")
    assert lines[1].endswith("(recorded by r/plastic.nc)")
    assert lines[-1] == "verified 4 files: 2 problems"


def test_verify_reports_a_config_hash_that_is_not_its_config(chain, capsys, monkeypatch):
    monkeypatch.setattr(synplast.stagefile, "config_sha256", lambda config: "f" * 64)
    write_stage(dataset(5), "r/odd.nc", stage="inputs", config={"model": {"n": 3}}, **RUN)
    status, lines = run(capsys, "verify", "r/odd.nc")
    assert (status, lines) == (
        1,
        [
            "r/odd.nc: config_sha256 is not the hash of its config_json "
            "(named on the command line)",
            "verified 1 file: 1 problem",
        ],
    )


def test_verify_reports_missing_and_foreign_named_files(chain, capsys):
    xr.Dataset({"v": ("t", np.ones(2))}).to_netcdf("r/plain.nc")
    plt.figure().savefig("r/bare.png")
    status, lines = run(capsys, "verify", "r/absent.nc", "r/plain.nc", "r/bare.png")
    assert status == 1
    assert lines[:-1] == [
        "r/absent.nc: missing (named on the command line)",
        "r/plain.nc: not a readable NetCDF stage file (no checksum trailer: truncated, or not "
        "written by synplast) (named on the command line)",
        "r/bare.png: no provenance (no synplast_provenance metadata) (named on the command line)",
    ]
    assert lines[-1] == "verified 3 files: 3 problems"


def test_verify_reports_a_missing_scorecard(chain, capsys):
    status, lines = run(capsys, "verify", "r/no_scorecard.json")
    assert status == 1
    assert lines[0].startswith("r/no_scorecard.json: missing"), lines


def test_verify_of_a_scorecard_checks_the_claims_files_against_its_rows(chain, capsys):
    write_stage(dataset(6), "r/claims.nc", stage="claims", config={"c": 1}, **RUN)
    claims = synplast.stagefile.read_stage("r/claims.nc").attrs
    row = {"source": "r/claims.nc", "config_sha256": claims["config_sha256"]}
    card = {"claims": [{**row, "code_sha256": claims["code_sha256"]}], "controls": []}
    with open("r/scorecard.json", "w") as handle:
        json.dump(card, handle)
    assert run(capsys, "verify", "r/scorecard.json")[0] == 0
    card["claims"][0]["code_sha256"] = "0" * 64
    with open("r/scorecard.json", "w") as handle:
        json.dump(card, handle)
    status, lines = run(capsys, "verify", "r/scorecard.json")
    assert status == 1
    assert lines[0] == (
        "r/claims.nc: code_sha256 differ from the ones recorded when it was read "
        "(recorded by r/scorecard.json)"
    )
