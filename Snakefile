# synplast: reproducible replications of landmark models of synaptic plasticity.
#
#   snakemake --cores 8 all                      the main job (config/config.yaml)
#   snakemake --cores 8 results/tsodyks2000/figures/fig1.png      one figure
#   snakemake --profile profiles/slurm all       the same on a SLURM cluster
#
# The workflow itself lives in workflow/; this file only includes it.


include: "workflow/Snakefile"


# Snakemake does not keep a `default_target: True` set in an included file, so without a target
# nothing would be planned (`snakemake --report` and a bare `snakemake` need one): name it here.
workflow.default_target = "all"
