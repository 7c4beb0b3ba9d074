"""The PDF fonts cut down once, at install time, to the characters official documents need.

WeasyPrint subsets every font it embeds, per document. Done on the 26 MB "Noto Serif CJK" collection (65 535
glyphs per face) that costs about 0.6 s and 500 MB of memory per notice; done on a face that holds only the
characters of official documents it is cheap (docs/adr/0013-pdf-fonts.md). ``make install-fonts`` runs
``scripts/subset_fonts.py``, which calls :func:`ensure_subsets`; ``egov.domain.results.pdf`` uses the faces it
wrote and falls back per glyph to the full system family for a rare character.

No Django here: the install script imports this module before the project is set up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The face every document uses: GB 2312 and the symbol blocks below (~7 900 glyphs, ~5 MB).
SUBSET_FAMILY = "Egov Serif SC"
#: The rest of the CJK Unified Ideographs block (14 229 hanzi such as 玥 喆 堃 珺 祎, frequent in names): Pango
#: reaches it per glyph, so only a document with such a character pays for this face, and a smaller price than
#: for the full system collection.
EXTRA_FAMILY = "Egov Serif SC Ext"
#: CJK Extension A and the supplementary ideographs the source face has (䶮 U+4DAE, 𠇔 …: rare, but in names on
#: ID cards): without this face such a name made Pango load the whole 65 535-glyph system face and pushed the
#: process past the 250 MB of a web worker. The full system family stays last in the stack for anything else.
RARE_FAMILY = "Egov Serif SC Rare"
#: Bumped whenever the charsets or the subsetting options change: the faces are cut again.
CHARSET_VERSION = "3"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Face:
    family: str
    style: str  # fontconfig style suffix of the source face ("" or ":bold")
    weight: str  # CSS font-weight of the @font-face rule
    file: str  # file name under the font directory
    subfamily: str  # name table style ("Regular", "Bold")


FACES = (
    Face(SUBSET_FAMILY, "", "normal", "EgovSerifSC-Regular.otf", "Regular"),
    Face(SUBSET_FAMILY, ":bold", "bold", "EgovSerifSC-Bold.otf", "Bold"),
    Face(EXTRA_FAMILY, "", "normal", "EgovSerifSCExt-Regular.otf", "Regular"),
    Face(EXTRA_FAMILY, ":bold", "bold", "EgovSerifSCExt-Bold.otf", "Bold"),
    Face(RARE_FAMILY, "", "normal", "EgovSerifSCRare-Regular.otf", "Regular"),
    Face(RARE_FAMILY, ":bold", "bold", "EgovSerifSCRare-Bold.otf", "Bold"),
)

#: Blocks kept whole besides GB 2312: ASCII and Latin-1, general punctuation (“”‘’—…), letterlike symbols and
#: number forms (℃ № Ⅰ–Ⅻ), enclosed numbers (①), geometric shapes (□ ○ ■ ●), CJK symbols and punctuation
#: (、。〇《》「」【】〔〕), enclosed CJK (㈠ ㊣) and full-width forms (（）：；１Ａ).
BLOCKS = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x218F),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0xFF00, 0xFFEF),
)
URO = (0x4E00, 0x9FFF)  # CJK Unified Ideographs
EXT_A = (0x3400, 0x4DBF)  # CJK Unified Ideographs Extension A
SIP = (0x20000, 0x323AF)  # Extensions B–H and the compatibility supplement (the source face holds ~2 000)


def gb2312_codepoints() -> set[int]:
    """Every character of GB 2312 (6 763 hanzi and 682 symbols: 《》〔〕①㈠ⅰ№ …), from Python's own codec."""
    found: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def codepoints_of(family: str) -> set[int]:
    """The characters the subset face of ``family`` holds."""
    common = gb2312_codepoints()
    for first, last in BLOCKS:
        common.update(range(first, last + 1))
    if family == SUBSET_FAMILY:
        return common
    if family == RARE_FAMILY:
        return set(range(EXT_A[0], EXT_A[1] + 1)) | set(range(SIP[0], SIP[1] + 1))
    return set(range(URO[0], URO[1] + 1)) - common


def source_face(pattern: str) -> tuple[str, int] | None:
    """(file, index in the collection) of what fontconfig picks for ``pattern``, or None."""
    executable = shutil.which("fc-match")
    if executable is None:
        return None
    try:
        output = subprocess.run(  # noqa: S603 - fixed executable and format
            [executable, "-f", "%{file}|%{index}", pattern], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _sep, index = output.partition("|")
    return (file, int(index or 0)) if file else None


def subset_face(source: str, index: int, target: Path, *, face: Face) -> None:
    """Cut face ``index`` of ``source`` down to the characters of ``face.family`` and write it to ``target`` as
    one OpenType face (not a collection), renamed so it never shadows the full system family."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # keep the shaping rules Pango uses (locl, vertical forms …)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True  # about twice as fast here than keeping the subroutines; the file grows ~8 %
    font = TTFont(source, fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints_of(face.family))
    subsetter.subset(font)
    _rename(font, face)
    partial = target.with_name(target.name + ".part")
    font.save(str(partial))
    os.replace(partial, target)


def _rename(font: Any, face: Face) -> None:
    postscript = face.family.replace(" ", "") + "-" + face.subfamily
    names = {
        1: face.family,
        2: face.subfamily,
        3: f"{postscript};subset of Noto Serif CJK SC {face.subfamily}",
        4: f"{face.family} {face.subfamily}",
        6: postscript,
        16: face.family,
        17: face.subfamily,
    }
    table = font["name"]
    for name_id in names:
        table.removeNames(nameID=name_id)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = names[4]
        top.FamilyName = face.family


def _source_stamp(source: str, index: int) -> dict[str, object]:
    stat = os.stat(source)
    return {"file": source, "index": index, "size": stat.st_size, "mtime": int(stat.st_mtime)}


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _write_manifest(directory: Path, family: str, faces: dict[str, object]) -> None:
    payload = {"family": family, "faces": faces}
    (directory / MANIFEST).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


def _cut(job: tuple[str, int, str, Face]) -> str:
    source, index, target, face = job
    subset_face(source, index, Path(target), face=face)
    return face.file


def ensure_subsets(directory: Path, family: str, *, cache: Path | None = None, log: bool = True) -> list[str]:
    """Cut every face of :data:`FACES` from the system ``family`` into ``directory``, unless the manifest says
    the files there came from the same source files and charset (then nothing is done). A face already cut
    into ``cache`` (shared by the work trees of one machine) is copied instead. Returns the files cut."""
    directory.mkdir(parents=True, exist_ok=True)
    done: dict[str, Any] = read_manifest(directory).get("faces") or {}
    cached: dict[str, Any] = (read_manifest(cache).get("faces") or {}) if cache else {}
    wanted: dict[str, object] = {}
    jobs: list[tuple[str, int, str, Face]] = []
    for face in FACES:
        found = source_face(family + face.style)
        if found is None:
            raise RuntimeError(f"fontconfig 找不到字体 {family}{face.style}")
        stamp = {**_source_stamp(*found), "charset": CHARSET_VERSION}
        wanted[face.file] = stamp
        if done.get(face.file) == stamp and (directory / face.file).is_file():
            continue
        if cache and cached.get(face.file) == stamp and (cache / face.file).is_file():
            shutil.copyfile(cache / face.file, directory / face.file)
            continue
        jobs.append((found[0], found[1], str(directory / face.file), face))
    if log and jobs:
        print(f"正在生成 PDF 字体子集（{len(jobs)} 个字面，首次需要几分钟）…", flush=True)  # noqa: T201
    # One process per face, two at a time: fontTools is pure Python and each cut takes ~0.5 GB for a minute.
    with ProcessPoolExecutor(max_workers=min(2, len(jobs) or 1)) as pool:
        written = list(pool.map(_cut, jobs))
    _write_manifest(directory, family, wanted)
    if cache and written:
        cache.mkdir(parents=True, exist_ok=True)
        for name in written:
            shutil.copyfile(directory / name, cache / name)
        _write_manifest(cache, family, {**cached, **{name: wanted[name] for name in written}})
    return written
