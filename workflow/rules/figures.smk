# ---------------------------------------------------------------------------------------------
# figures.smk: one figure of a paper, as PNG, PDF and the NetCDF of the plotted numbers.
# Reads only stage files (never re-simulates); which ones is the paper's targets module's call.
# ---------------------------------------------------------------------------------------------


rule figure:
    input:
        figure_inputs,
    output:
        png=report(
            f"{RESULTS}/{{paper}}/figures/{{figure}}.png",
            caption="../report/figure.rst",
            category="{paper}",
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
