"""Contract: a bad sadeh2015 config stops before any job runs, with one line naming the key."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = [
    ("sadeh2015:\n  model:\n    p_EE: 1.5\n", "sadeh2015.model.p_EE"),
    ("sadeh2015:\n  protocol:\n    n_blocks: -1\n", "sadeh2015.protocol.n_blocks"),
    (
        "sadeh2015:\n  scenarios:\n    ablation_EE:\n      seeds: [1]\n"
        "      model: {plastic_pathways: [EE, XI]}\n",
        "sadeh2015.scenarios.ablation_EE.model.plastic_pathways",
    ),
    ("sadeh2015:\n  protocol:\n    spont_inh_rule: inh_ltd\n", "sadeh2015.protocol.spont_inh_rule"),
    ("sadeh2015:\n  claims:\n    ee_only_scenario: nowhere\n", "sadeh2015.claims.ee_only_scenario"),
]


@pytest.mark.parametrize(("override", "names"), CASES)
def test_bad_sadeh2015_config_stops_before_any_job(repo, tmp_path, override, names):
    bad = tmp_path / "bad.yaml"
    bad.write_text(override)
    results = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-n",
            "all",
            "--configfile",
            "config/config.yaml",
            str(bad),
            "--config",
            f"results_dir={results}",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "config error" in line]
    assert len(errors) == 1 and names in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not results.exists()
