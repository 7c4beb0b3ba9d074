"""The install-time subset faces: what they hold, that cutting them is idempotent, and the system checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from egov.domain.results import fontset
from egov.domain.results.fontset import (
    EXTRA_FAMILY,
    FACES,
    RARE_FAMILY,
    SUBSET_FAMILY,
    codepoints_of,
    ensure_subsets,
)
from egov.domain.results.rules import check_pdf_font


def test_the_common_face_holds_gb2312_and_the_document_punctuation() -> None:
    common = codepoints_of(SUBSET_FAMILY)
    for char in "王小明兴安盟科尔沁右翼前旗〔〕《》、。（）：；“”—…①㈠ⅠA1０℃":
        assert ord(char) in common, char
    assert 7900 < len(common) < 8500
    assert ord("玥") not in common and ord("䶮") not in common


def test_the_extension_face_holds_the_rest_of_the_unified_ideographs_and_nothing_twice() -> None:
    common, extra = codepoints_of(SUBSET_FAMILY), codepoints_of(EXTRA_FAMILY)
    assert not common & extra
    assert {ord("玥"), ord("喆"), ord("堃"), ord("祎")} <= extra
    assert ord("䶮") not in extra  # Extension A: in the rare face
    assert set(range(0x4E00, 0xA000)) <= common | extra


def test_the_rare_face_holds_extension_a_and_the_supplementary_ideographs() -> None:
    common, extra, rare = codepoints_of(SUBSET_FAMILY), codepoints_of(EXTRA_FAMILY), codepoints_of(RARE_FAMILY)
    assert not rare & (common | extra)
    assert {ord("䶮"), ord("㐀"), ord("\U00020000"), ord("\U0002a700")} <= rare


def _fake_cut(calls: list[str]) -> Any:
    def cut(source: str, index: int, target: Path, *, face: fontset.Face) -> None:
        calls.append(face.file)
        target.write_bytes(f"{face.family}|{source}|{index}".encode())

    return cut


@pytest.fixture
def fake_fonts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """fc-match answers with a small file; the cut writes a marker instead of running fontTools (minutes)."""
    source = tmp_path / "NotoSerifCJK-Regular.ttc"
    source.write_bytes(b"ttcf")
    calls: list[str] = []
    monkeypatch.setattr(fontset, "source_face", lambda pattern: (str(source), 2))
    monkeypatch.setattr(fontset, "subset_face", _fake_cut(calls))
    # the cut runs in worker processes in real life; in-process here so the fake is used
    monkeypatch.setattr(fontset, "ProcessPoolExecutor", _InlinePool)
    return calls


class _InlinePool:
    def __init__(self, max_workers: int) -> None:
        pass

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, function: Any, jobs: list[Any]) -> list[Any]:
        return [function(job) for job in jobs]


def test_cutting_is_done_once_and_a_fresh_tree_copies_from_the_cache(fake_fonts: list[str], tmp_path: Path) -> None:
    out, cache = tmp_path / "var" / "fonts", tmp_path / "cache"
    assert ensure_subsets(out, "Noto Serif CJK SC", cache=cache, log=False) == [face.file for face in FACES]
    assert ensure_subsets(out, "Noto Serif CJK SC", cache=cache, log=False) == []  # up to date: nothing cut
    fresh = tmp_path / "clone" / "var" / "fonts"
    assert ensure_subsets(fresh, "Noto Serif CJK SC", cache=cache, log=False) == []  # copied from the cache
    assert fake_fonts == [face.file for face in FACES]
    assert sorted(p.name for p in fresh.iterdir()) == sorted([*(f.file for f in FACES), "manifest.json"])
    assert (fresh / FACES[2].file).read_bytes().startswith(EXTRA_FAMILY.encode())


def test_a_changed_source_font_is_cut_again(fake_fonts: list[str], tmp_path: Path) -> None:
    out = tmp_path / "fonts"
    ensure_subsets(out, "Noto Serif CJK SC", log=False)
    (tmp_path / "NotoSerifCJK-Regular.ttc").write_bytes(b"ttcf-new-version")
    assert ensure_subsets(out, "Noto Serif CJK SC", log=False) == [face.file for face in FACES]


def test_the_system_check_warns_when_the_subset_faces_are_missing(settings: Any, tmp_path: Path) -> None:
    settings.EGOV_PDF_FONT_DIR = tmp_path
    ids = [message.id for message in check_pdf_font()]
    assert "results.W002" in ids
    for face in FACES:
        (tmp_path / face.file).write_bytes(b"OTTO")
    assert "results.W002" not in [message.id for message in check_pdf_font()]


def test_the_system_check_still_warns_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    from egov.domain.results import pdf

    pdf.font_face.cache_clear()
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)  # no fontconfig at all
    try:
        messages = check_pdf_font()
    finally:
        pdf.font_face.cache_clear()
    assert [m.id for m in messages if m.id == "results.W001"] == ["results.W001"]
    assert messages[0].msg == "未找到 fc-match（fontconfig），无法确认 PDF 中文字体"
