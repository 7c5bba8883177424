"""Rule adapter of ``claims``: measure one paper's claims over its seeds.

Writes ``results/<paper>/claims.nc``.  Outside Snakemake: ``synplast claims PAPER``.
"""

from synplast.pipeline import logged
from synplast.pipeline.claims import evaluate_claims


def main(smk):
    with logged(smk.log[0]):
        evaluate_claims(
            smk.wildcards.paper,
            config=smk.config,
            output=smk.output[0],
            input_paths=list(smk.input),
            code_sha256=smk.params.code_sha256,
        )


main(snakemake)
