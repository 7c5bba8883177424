"""One sub-package per replicated paper.

Each paper package has the same stage interface, which the workflow's generic rules call:

- ``inputs.make_inputs(params, seed) -> Dataset``: everything random the model consumes;
- ``plastic.run_plastic(inputs, params, seed) -> Dataset``: the plastic phase and its state;
- ``probe.run_test(inputs, plastic, params, seed) -> Dataset``: the post-plasticity test and
  the metrics the paper's claims are about;
- ``figures.FIGURES``: figure name -> function of the stage Datasets returning a matplotlib
  Figure and the Dataset of the exact numbers it shows;
- ``claims.evaluate(...)``: the paper's claims measured over seeds, for the scorecard;
- ``targets``: which stage files each figure and the claims read (imported when the workflow
  plans, so it stays free of heavy imports).

``params`` is the resolved scenario config (:func:`synplast.config.scenario_config`).
"""
