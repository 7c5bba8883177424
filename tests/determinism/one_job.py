"""Worker of the determinism tests: every stage of a plan in ONE fresh Python process.

    python -m tests.determinism.one_job ROOT {plan,split} [--reverse]

runs the stages of :data:`tests.determinism.helpers.PLAN` (or ``SPLIT_PLAN``) of the small
config, upstream stages first, one after the other in this process (sharing its imports, its
Numba thread pool and whatever module state a stage may leave behind), writing them under ROOT.
Numba's thread count is the environment's ``NUMBA_NUM_THREADS``, fixed for the process.
"""

from __future__ import annotations

import sys

from tests.determinism.helpers import PLAN, SPLIT_PLAN, load_small_config, run_plan


def main(argv: list[str]) -> int:
    root, which, *flags = argv
    config = load_small_config(root)
    files = run_plan(config, PLAN if which == "plan" else SPLIT_PLAN, reverse="--reverse" in flags)
    import numba

    print(f"{len(files)} stage files, {numba.get_num_threads()} Numba threads")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
