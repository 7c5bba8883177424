"""Rule adapter of ``stage`` and ``deterministic_stage``: run one declared stage of a paper.

Reads the stage files the rule was given, runs the paper's stage function with the config
sections it declares on ``threads`` Numba threads, and writes the stage file with its
provenance.  Outside Snakemake: ``synplast stage PAPER STAGE SCENARIO [SEED]``.
"""

from synplast.pipeline import logged, set_threads
from synplast.pipeline.stage import run_stage


def main(smk):
    with logged(smk.log[0]):
        set_threads(smk.threads)
        seed = smk.wildcards.get("seed")
        run_stage(
            smk.wildcards.paper,
            smk.wildcards.stage,
            config=smk.config,
            scenario=smk.wildcards.scenario,
            seed=None if seed is None else int(seed),
            output=smk.output[0],
            input_paths=list(smk.input),
            code_sha256=smk.params.code_sha256,
        )


main(snakemake)
