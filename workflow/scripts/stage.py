"""Rule adapter of ``inputs``, ``plastic`` and ``test``: run one simulation stage of a paper.

Reads the upstream stage files named by the rule, runs the paper's stage function with the
scenario's resolved parameters on ``threads`` Numba threads, and writes the stage file with its
provenance.  Outside Snakemake the same runs as ``synplast stage PAPER STAGE SCENARIO SEED``.
"""

from synplast.pipeline import logged, set_threads
from synplast.pipeline.stage import run_stage


def main(smk):
    with logged(smk.log[0]):
        set_threads(smk.threads)
        run_stage(
            smk.wildcards.paper,
            smk.params.stage,
            config=smk.config,
            scenario=smk.wildcards.scenario,
            seed=int(smk.wildcards.seed),
            upstream={name: smk.input[name] for name in smk.input.keys()},  # noqa: SIM118
            output=smk.output[0],
            code_sha256=smk.params.code_sha256,
        )


main(snakemake)
