"""Compile locale/*/LC_MESSAGES/*.po into .mo files without GNU gettext (msgfmt is often missing on
government servers). Standard library only; handles multi-line strings, plurals and skips fuzzy entries.

    .venv/bin/python scripts/compile_messages.py [locale-dir ...]

Extract new strings first with ``manage.py makemessages -l en -l mn --no-location`` (needs xgettext), or
edit the .po files by hand.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_po(text: str) -> dict[str, str]:
    """Catalogue of msgid (plural forms joined by NUL, context prefixed with EOT) → msgstr."""
    catalogue: dict[str, str] = {}
    entry: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            key = entry["msgid"]
            if "msgid_plural" in entry:
                key += "\0" + entry["msgid_plural"]
                forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
                value = "\0".join(forms)
            else:
                value = entry.get("msgstr", "")
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            if value.replace("\0", "") or key == "":
                catalogue[key] = value
        entry, fuzzy = {}, False

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            current = None
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current is not None:
                entry[current] += ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            current = keyword
            entry[current] = ast.literal_eval(rest)
    return catalogue


def write_mo(catalogue: dict[str, str], path: Path) -> None:
    """GNU .mo layout: header, table of original strings, table of translations, then the strings."""
    keys = sorted(catalogue)
    originals = [key.encode() for key in keys]
    translations = [catalogue[key].encode() for key in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    position = header_size + 2 * table_size
    tables: list[list[int]] = [[], []]
    for table, strings in zip(tables, (originals, translations), strict=True):
        for data in strings:
            table += [len(data), position]
            position += len(data) + 1
    output = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0)
    for table in tables:
        output += struct.pack(f"<{len(table)}I", *table)
    output += b"".join(data + b"\0" for data in originals) + b"".join(data + b"\0" for data in translations)
    path.write_bytes(output)


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [ROOT / "locale"]
    count = 0
    for directory in dirs:
        for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
            write_mo(parse_po(po.read_text(encoding="utf-8")), po.with_suffix(".mo"))
            print(f"compiled {po.relative_to(ROOT) if po.is_relative_to(ROOT) else po}")
            count += 1
    if not count:
        print("no .po files found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
