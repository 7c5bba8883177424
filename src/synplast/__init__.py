"""synplast: reproducible replications of five landmark models of synaptic plasticity.

The package holds everything the Snakemake workflow runs: seeded random streams
(:mod:`synplast.rng`), provenance-carrying NetCDF stage files (:mod:`synplast.stagefile`),
config validation (:mod:`synplast.config`), shared Numba kernels (:mod:`synplast.kernels`),
one sub-package per paper (:mod:`synplast.papers`), plotting and the scorecard.
"""

__version__ = "0.1.0"
