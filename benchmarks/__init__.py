"""chainrule's benchmark suite: our engine against micrograd and PyTorch scalar mode.

Run everything (about 3-4 minutes on two cores) or a quick smoke run (seconds)::

    python -m benchmarks                  # full run, prints the tables and the targets
    python -m benchmarks --quick          # tiny sizes, for CI
    python -m benchmarks --json out.json  # also write every measurement as JSON
    python -m benchmarks.profiling        # cProfile of our training steps, top functions

Peers that are not installed (``micrograd``, ``torch``) are reported and skipped.

Layout: ``config`` (sizes), ``workload`` (micrograd's demo data, weights, same-work check),
``engines/`` (one MLP trainer per engine), ``graphs`` (chains and sums shared by the suites),
``suites/`` (one module per benchmark), ``probes`` (measurements in a fresh process),
``targets`` (the performance goals), ``report`` (the tables), ``run`` (the command line).
"""
