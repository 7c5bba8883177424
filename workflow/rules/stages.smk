# ---------------------------------------------------------------------------------------------
# stages.smk: every stage a paper declares (synplast/papers/<paper>/stages.py), for every
# scenario, and every seed when the stage is seeded. Two rules, one per path shape:
#   seeded:         results/<paper>/<scenario>/seed<seed>/<stage>.nc
#   deterministic:  results/<paper>/<scenario>/<stage>.nc
# The declaration gives each job its input files, config sections, code and environment.
# Both run workflow/scripts/stage.py, which calls synplast.pipeline.stage.run_stage.
# ---------------------------------------------------------------------------------------------


rule stage:
    input:
        stage_inputs,
    output:
        f"{RESULTS}/{{paper}}/{{scenario}}/seed{{seed}}/{{stage}}.nc",
    log:
        "logs/{paper}/{scenario}/seed{seed}/{stage}.log",
    benchmark:
        "benchmarks/{paper}/{scenario}/seed{seed}/{stage}.tsv"
    conda:
        stage_conda_env
    threads: threads_of("stage")
    resources:
        mem_mb=resource("stage", "mem_mb"),
        runtime=resource("stage", "runtime"),
    params:
        code_sha256=stage_code_sha256,
        config_sha256=stage_config_sha256,
    script:
        "../scripts/stage.py"


rule deterministic_stage:
    input:
        stage_inputs,
    output:
        f"{RESULTS}/{{paper}}/{{scenario}}/{{stage}}.nc",
    log:
        "logs/{paper}/{scenario}/{stage}.log",
    benchmark:
        "benchmarks/{paper}/{scenario}/{stage}.tsv"
    conda:
        stage_conda_env
    threads: threads_of("stage")
    resources:
        mem_mb=resource("stage", "mem_mb"),
        runtime=resource("stage", "runtime"),
    params:
        code_sha256=stage_code_sha256,
        config_sha256=stage_config_sha256,
    script:
        "../scripts/stage.py"
