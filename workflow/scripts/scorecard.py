"""Rule adapter of ``scorecard``: join every paper's claims into one scorecard.

Writes ``results/scorecard.md`` and its machine-readable twin ``results/scorecard.json``.
"""

from synplast.pipeline import logged
from synplast.pipeline.claims import build_scorecard


def main(smk):
    with logged(smk.log[0]):
        build_scorecard(list(smk.input), smk.output.markdown, smk.output.json)


main(snakemake)
