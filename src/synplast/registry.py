"""The registry of papers the workflow knows: one line per paper.

Kept apart from the papers' code: the list of papers is not code any stage runs, so it is left
out of the code hashes (:data:`synplast.provenance.NOT_HASHED`) and registering a new paper
reruns no job of the others.
"""

REGISTRY: tuple[str, ...] = (
    "tsodyks2000",
    "sadeh2015",
    "sweeney2017",
    "milstein2021",
    "urbanczik2014",
)
"""Every paper the workflow knows, in scorecard order."""
