"""PDF rendering of notices and certificates: Django templates → WeasyPrint, with a CJK font embedded.

The text face is the serif cut down at install time to the characters of official documents (``var/fonts/``,
written by ``make install-fonts``, see ``fontset``), loaded through ``@font-face`` once per thread: WeasyPrint
then subsets an 8 000-glyph face per document instead of the 65 535-glyph faces of the system collection,
which took ~0.6 s and drove the process past 500 MB (docs/adr/0013-pdf-fonts.md). The extension face (the
rest of the CJK Unified Ideographs), the rare face (Extension A and the supplementary ideographs) and then the
full system family (``EGOV_PDF_SERIF_FONT``, default Noto
Serif CJK SC from fonts-noto-cjk) follow it in every ``font-family``: Pango falls back per glyph, so only a
document with a rarer character in a name pays for the bigger faces. System checks warn when fontconfig has
no CJK face (``results.W001``) and when the subset faces are missing (``results.W002``).
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from egov.domain.results.fontset import FACES, Face

DIGITS = "〇一二三四五六七八九"
# WeasyPrint logs every rendering step at INFO: eight lines per document.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
DEFAULT_SERIF = "Noto Serif CJK SC"


def chinese_date(day: date) -> str:
    """二〇二六年十一月二十六日 — the date as 行政许可文书 print it."""
    year = "".join(DIGITS[int(digit)] for digit in f"{day.year:04d}")
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def chinese_number(value: int) -> str:
    """1–99 in Chinese numerals: 十, 十一, 二十, 二十六."""
    if not 0 < value < 100:
        raise ValueError(value)
    tens, units = divmod(value, 10)
    text = ("" if tens == 0 else "十" if tens == 1 else f"{DIGITS[tens]}十") + (DIGITS[units] if units else "")
    return text


@dataclass(frozen=True)
class FontFace:
    family: str
    postscript_name: str
    file: str

    @property
    def is_cjk(self) -> bool:
        return "CJK" in self.postscript_name or "CJK" in self.file


@cache
def font_face(pattern: str) -> FontFace | None:
    """What fontconfig picks for ``pattern`` (e.g. "Noto Serif CJK SC:bold"), or None without fc-match."""
    executable = shutil.which("fc-match")
    if executable is None:
        return None
    try:
        output = subprocess.run(  # noqa: S603 - fixed executable and format, pattern from settings
            [executable, "-f", "%{family[0]}|%{postscriptname}|%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _sep, rest = output.partition("|")
    postscript_name, _sep, file = rest.partition("|")
    return FontFace(family, postscript_name, file) if postscript_name else None


def serif_family() -> str:
    return str(getattr(settings, "EGOV_PDF_SERIF_FONT", DEFAULT_SERIF))


def missing_cjk_font() -> str:
    """An explanation when no CJK face is installed (shown by the system check), else ""."""
    face = font_face(serif_family())
    if face is None:
        return "未找到 fc-match（fontconfig），无法确认 PDF 中文字体"
    if not face.is_cjk:
        return f"PDF 中文字体“{serif_family()}”未安装（fontconfig 选用了 {face.file}）；请安装 fonts-noto-cjk"
    return ""


def font_dir() -> Path:
    return Path(getattr(settings, "EGOV_PDF_FONT_DIR", None) or Path(settings.BASE_DIR) / "var" / "fonts")


def subset_faces() -> dict[Face, Path]:
    """The subset faces ``make install-fonts`` wrote: all of them, or none (a half-written set is not used)."""
    directory = font_dir()
    faces = {face: directory / face.file for face in FACES}
    return faces if all(path.is_file() for path in faces.values()) else {}


def missing_subset() -> str:
    """An explanation when the subset faces are missing (shown by the system check), else ""."""
    if subset_faces():
        return ""
    return (
        f"PDF 字体子集未生成（{font_dir()}）：每份文书将改用完整系统字体，慢且占用大量内存；请运行 make install-fonts"
    )


_FAMILY_NAME = re.compile(r"^[A-Za-z0-9 ._-]+$")


def font_stack(families: list[str]) -> str:
    """The CSS font-family list, quoted; only plain names (they come from settings, never from users)."""
    names = [name for name in families if _FAMILY_NAME.match(name)]
    return mark_safe(", ".join(f'"{name}"' for name in names))  # noqa: S308 - names checked above


class _Renderer(threading.local):
    """Per thread (Pango's font map is not thread-safe): one WeasyPrint font configuration with the subset
    faces registered once and reused by every document, so they are read and scanned once per process."""

    key: tuple[tuple[str, int], ...] | None = None
    font_config: Any = None
    stylesheets: list[Any]


_renderer = _Renderer()
# Drop this thread's font configuration before the interpreter tears its modules down (its __del__ removes
# a temporary directory and would fail noisily on exit otherwise).
atexit.register(lambda: setattr(_renderer, "font_config", None))


def _font_setup() -> tuple[Any, list[Any], list[str]]:
    """(font configuration, extra stylesheets, families before the system one) for this thread."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    faces = subset_faces()
    key = tuple((str(path), path.stat().st_mtime_ns) for path in faces.values())
    if _renderer.key != key or _renderer.font_config is None:
        font_config = FontConfiguration()
        rules = "".join(
            f'@font-face {{ font-family: "{face.family}"; src: url("{path.as_uri()}"); font-weight: {face.weight}; }}'
            for face, path in faces.items()
        )
        sheet = CSS(string=rules, font_config=font_config, url_fetcher=_url_fetcher()) if rules else None
        _renderer.stylesheets = [sheet] if sheet else []
        _renderer.font_config = font_config
        _renderer.key = key
    return _renderer.font_config, _renderer.stylesheets, list(dict.fromkeys(face.family for face in faces))


def _url_fetcher() -> Any:
    """Documents load only embedded data (the QR code) and the local font files: never the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data", "file"))


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    font_config, stylesheets, families = _font_setup()
    stack = font_stack([*families, serif_family()])
    html = render_to_string(template, {**context, "font_stack": stack})
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher())
    return bytes(document.write_pdf(stylesheets=stylesheets, font_config=font_config))


def qr_code(url: str) -> segno.QRCode:
    """The verification QR code of a certificate: the absolute /verify/<code>/ address, error level M."""
    return segno.make(url, error="m", micro=False)


def qr_svg_data_uri(url: str) -> str:
    return str(qr_code(url).svg_data_uri(scale=4, border=2, dark="#000", light="#fff"))
