"""Rule adapter of ``figure``: draw one figure of a paper from its stage files.

Writes ``<figure>.png``, ``.pdf`` (provenance in their metadata) and ``.nc`` (the plotted
numbers).  Outside Snakemake: ``synplast figure PAPER FIGURE``.
"""

from pathlib import Path

from synplast.pipeline import logged, set_threads
from synplast.pipeline.figure import render_figure


def main(smk):
    with logged(smk.log[0]):
        set_threads(smk.threads)
        render_figure(
            smk.wildcards.paper,
            smk.wildcards.figure,
            config=smk.config,
            stem=Path(smk.output.png).with_suffix(""),
            input_paths=list(smk.input),
            code_sha256=smk.params.code_sha256,
        )


main(snakemake)
