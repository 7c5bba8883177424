# ---------------------------------------------------------------------------------------------
# scorecard.smk: each paper's claims measured over seeds, then one scorecard for all papers.
# ---------------------------------------------------------------------------------------------


rule claims:
    input:
        claim_inputs,
    output:
        f"{RESULTS}/{{paper}}/claims.nc",
    log:
        "logs/{paper}/claims.log",
    benchmark:
        "benchmarks/{paper}/claims.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: threads_of("claims")
    resources:
        mem_mb=resource("claims", "mem_mb"),
        runtime=resource("claims", "runtime"),
    params:
        code_sha256=claims_code_sha256,
        claims_sha256=claims_config_sha256,
    script:
        "../scripts/claims.py"


rule scorecard:
    input:
        claims_files,
    output:
        markdown=report(
            f"{RESULTS}/scorecard.md",
            caption="../report/scorecard.rst",
            category="scorecard",
            labels={"scorecard": "Markdown (download)"},
        ),
        json=f"{RESULTS}/scorecard.json",
        html=report(
            f"{RESULTS}/scorecard.html",
            caption="../report/scorecard.rst",
            category="scorecard",
            labels={"scorecard": "every claim and negative control (view)"},
        ),
    log:
        "logs/scorecard.log",
    benchmark:
        "benchmarks/scorecard.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/scorecard.py"
