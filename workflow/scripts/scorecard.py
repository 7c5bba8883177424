"""Rule adapter of ``scorecard``: join every paper's claims into one scorecard.

Writes ``results/scorecard.md``, its machine-readable twin ``results/scorecard.json`` and, for
the report, ``results/scorecard.html`` (made from the JSON).
"""

from synplast.pipeline import logged
from synplast.pipeline.claims import build_scorecard
from synplast.scorecard import write_html


def main(smk):
    """Write the three scorecard files of the rule's outputs."""
    with logged(smk.log[0]):
        build_scorecard(list(smk.input), smk.output.markdown, smk.output.json)
        write_html(smk.output.json, smk.output.html)


main(snakemake)
