"""Settings of a serving process that Django's settings cannot hold: called once in each forked worker (gunicorn's
``post_fork`` in docs/deploy/gunicorn.conf.py; the worker processes of bench/workflow_throughput.py).

Garbage collection: everything imported before the fork (Django, Wagtail, the URL resolvers, ~190,000 objects
the collector tracks) is moved out of its reach with ``gc.freeze()``: it lives as long as the process, every full
collection would walk it again, and touching it copies the memory pages the fork shares with the master.
The youngest generation is collected every 10,000 net allocations instead of 700: a workflow transition
allocates thousands of short-lived objects (SpiffWorkflow tasks, model instances, rows) and at 700 the collector
ran ~1 time per case start and step for ~0.25 ms; at 10,000 it runs ~0.03 times for ~0.06 ms
(bench/README.md, session 12). Reference cycles are still collected, only later (up to 10,000 young objects).
"""

from __future__ import annotations

import gc

#: (generation 0, 1, 2) thresholds of ``gc.set_threshold``; Python's default is (700, 10, 10).
GC_THRESHOLDS = (10_000, 10, 10)


def prepare_worker() -> None:
    """Freeze what the parent imported and raise the young generation's threshold (see the module docstring)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
