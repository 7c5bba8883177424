# ---------------------------------------------------------------------------------------------
# stages.smk: the three simulation stages of every paper, scenario and seed.
#   inputs  (draw everything random)  -> plastic (plastic phase) -> test (post-plasticity test)
# Each rule runs workflow/scripts/stage.py, which calls synplast.pipeline.stage.run_stage.
# ---------------------------------------------------------------------------------------------


rule inputs:
    output:
        f"{RESULTS}/{{paper}}/{{scenario}}/seed{{seed}}/inputs.nc",
    log:
        "logs/{paper}/{scenario}/seed{seed}/inputs.log",
    benchmark:
        "benchmarks/{paper}/{scenario}/seed{seed}/inputs.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: threads_of("inputs")
    resources:
        mem_mb=resource("inputs", "mem_mb"),
        runtime=resource("inputs", "runtime"),
    params:
        stage="inputs",
        code_sha256=code_sha256_of("inputs"),
        scenario_sha256=scenario_sha256,
    script:
        "../scripts/stage.py"


rule plastic:
    input:
        unpack(upstream_stage_files("plastic")),
    output:
        f"{RESULTS}/{{paper}}/{{scenario}}/seed{{seed}}/plastic.nc",
    log:
        "logs/{paper}/{scenario}/seed{seed}/plastic.log",
    benchmark:
        "benchmarks/{paper}/{scenario}/seed{seed}/plastic.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: threads_of("plastic")
    resources:
        mem_mb=resource("plastic", "mem_mb"),
        runtime=resource("plastic", "runtime"),
    params:
        stage="plastic",
        code_sha256=code_sha256_of("plastic"),
        scenario_sha256=scenario_sha256,
    script:
        "../scripts/stage.py"


rule test:
    input:
        unpack(upstream_stage_files("test")),
    output:
        f"{RESULTS}/{{paper}}/{{scenario}}/seed{{seed}}/test.nc",
    log:
        "logs/{paper}/{scenario}/seed{seed}/test.log",
    benchmark:
        "benchmarks/{paper}/{scenario}/seed{seed}/test.tsv"
    conda:
        "../../envs/synplast.yaml"
    threads: threads_of("test")
    resources:
        mem_mb=resource("test", "mem_mb"),
        runtime=resource("test", "runtime"),
    params:
        stage="test",
        code_sha256=code_sha256_of("test"),
        scenario_sha256=scenario_sha256,
    script:
        "../scripts/stage.py"
