"""config.workers: what a forked worker sets up (run in a fresh interpreter: it changes the process's collector)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_prepare_worker_freezes_the_imported_objects_and_raises_the_young_threshold() -> None:
    script = (
        "import gc, json; from config.workers import GC_THRESHOLDS, prepare_worker; "
        "before = (gc.get_threshold(), gc.get_freeze_count()); prepare_worker(); "
        "print(json.dumps([before, [gc.get_threshold(), gc.get_freeze_count()], GC_THRESHOLDS]))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after, thresholds = json.loads(out.stdout)
    assert before == [[700, 10, 10], 0]
    assert after[0] == thresholds == [10_000, 10, 10]
    assert after[1] > 1000  # the interpreter's and config's own objects are out of the collector's reach
