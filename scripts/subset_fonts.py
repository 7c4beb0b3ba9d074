"""Cut the PDF serif faces down to the characters of official documents (``make install-fonts``).

    .venv/bin/python scripts/subset_fonts.py [--family "Noto Serif CJK SC"] [--out var/fonts]

Idempotent: nothing is done when ``var/fonts/manifest.json`` says the faces came from the same system fonts
and charset. Cut faces are also kept in ``~/.cache/egov/pdf-fonts`` (``$XDG_CACHE_HOME``), so a fresh clone on
the same machine copies them instead of cutting them again. See egov/domain/results/fontset.py and
docs/adr/0013-pdf-fonts.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from egov.domain.results.fontset import ensure_subsets  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--family", default="Noto Serif CJK SC")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "fonts")
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    parser.add_argument("--cache", type=Path, default=cache_home / "egov" / "pdf-fonts")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    try:
        ensure_subsets(args.out, args.family, cache=None if args.no_cache else args.cache)
    except RuntimeError as exc:
        print(f"PDF 字体子集未生成：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
