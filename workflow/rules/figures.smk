# ---------------------------------------------------------------------------------------------
# figures.smk: one figure of a paper, as PNG, PDF and the NetCDF of the plotted numbers.
# Reads only stage files (never re-simulates); which ones is the paper's targets module's call.
#
# In `snakemake --report` every PNG is listed under its paper, by the scenarios it shows. Its
# caption (workflow/report/figure.rst) is computed when the report is built, by the directive
# that synplast.report registers here: what the figure shows, the claims it supports with their
# verdicts, the parameters that differ from the paper, and its provenance (from the files'
# metadata). None of it is a rule parameter, so captions never make a figure rerun.
# ---------------------------------------------------------------------------------------------

from synplast import report as synplast_report

synplast_report.register_caption_directive(
    SCHEMA, scorecard=f"{RESULTS}/scorecard.json"
)


rule figure:
    input:
        figure_inputs,
    output:
        png=report(
            f"{RESULTS}/{{paper}}/figures/{{figure}}.png",
            caption="../report/figure.rst",
            category="{paper}",
            subcategory=lambda w: synplast_report.figure_subcategory(
                config, w.paper, w.figure
            ),
            labels=lambda w: {
                "figure": synplast_report.figure_label(SCHEMA, w.paper, w.figure)
            },
        ),
        pdf=f"{RESULTS}/{{paper}}/figures/{{figure}}.pdf",
        nc=f"{RESULTS}/{{paper}}/figures/{{figure}}.nc",
    log:
        "logs/{paper}/figures/{figure}.log",
    benchmark:
        "benchmarks/{paper}/figures/{figure}.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: threads_of("figure")
    resources:
        mem_mb=resource("figure", "mem_mb"),
        runtime=resource("figure", "runtime"),
    params:
        code_sha256=figure_code_sha256,
        figure_sha256=figure_config_sha256,
    script:
        "../scripts/figure.py"
