"""One sub-package per replicated paper, and the registry of papers the workflow knows.

A paper package holds:

- ``stages.py``: the declared stage graph (``STAGES`` or ``SUBMODELS``, see
  :mod:`synplast.pipeline.graph`) and which stage files each figure and the claims read
  (``figure_requests``, ``figure_options``, ``claim_requests``); imported when the workflow
  plans, so it stays free of heavy imports;
- one module per stage function (``inputs.make_inputs``, ``plastic.run_plastic``,
  ``probe.run_test`` in the common case), each called with exactly the config sections its
  stage declares;
- ``figures.FIGURES``: figure name -> function of the stage Datasets returning a matplotlib
  Figure and the Dataset of the exact numbers it shows;
- ``claims.evaluate(datasets, config)``: the paper's claims measured over seeds;
- its config schema, ``workflow/schemas/papers/<paper>.schema.yaml``, and its page,
  ``docs/papers/<paper>.md``.

Adding a paper: create its package, schema file, config section and tests, then add one line
to ``REGISTRY`` in :mod:`synplast.registry`.  ``tests/test_conformance.py`` checks that a
registered paper is complete.
"""
