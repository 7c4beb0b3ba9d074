"""PDF rendering of notices and certificates: Django templates → WeasyPrint, with a CJK font embedded.

The font is found through fontconfig (``fc-match``), as WeasyPrint itself finds fonts: the family comes from
``EGOV_PDF_SERIF_FONT`` (default Noto Serif CJK SC, installed by the Makefile as fonts-noto-cjk). Naming the
family lets fontconfig pick the simplified-Chinese face of the collection from its cache; an ``@font-face``
rule would make WeasyPrint read the 20 MB collection again on every document (~60 % slower). WeasyPrint
embeds the used subset; a system check (``results.W001``) warns when fontconfig has no CJK face.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string

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


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_family": serif_family()})
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def qr_code(url: str) -> segno.QRCode:
    """The verification QR code of a certificate: the absolute /verify/<code>/ address, error level M."""
    return segno.make(url, error="m", micro=False)


def qr_svg_data_uri(url: str) -> str:
    return str(qr_code(url).svg_data_uri(scale=4, border=2, dark="#000", light="#fff"))
