"""Display preferences (长辈模式, 高对比度, 字号) kept in long-lived cookies so they survive sign-out, and on the
user for elder mode so it follows a signed-in person to another device (MIIT 适老化 rules)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

ELDER_COOKIE = "egov_elder"
CONTRAST_COOKIE = "egov_contrast"
FONT_COOKIE = "egov_font"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: Font steps offered by A- / A / A+ (0 is the 16px base; each step is about 12%).
FONT_STEPS = range(-1, 4)


@dataclass(frozen=True)
class DisplayPreferences:
    elder: bool
    contrast: bool
    font_step: int

    @property
    def html_classes(self) -> str:
        classes = []
        if self.elder:
            classes.append("elder")
        if self.contrast:
            classes.append("contrast")
        if self.font_step:
            classes.append(font_class(self.font_step))
        return " ".join(classes)


def font_class(step: int) -> str:
    """CSS class of a font step: font-m1 for a step down, font-1 … font-3 for larger text."""
    return "" if step == 0 else (f"font-m{-step}" if step < 0 else f"font-{step}")


def parse_font_step(raw: str | None) -> int:
    try:
        step = int(raw or 0)
    except ValueError:
        return 0
    return step if step in FONT_STEPS else 0


def read_preferences(request: HttpRequest) -> DisplayPreferences:
    user = getattr(request, "user", None)
    elder = request.COOKIES.get(ELDER_COOKIE) == "1"
    if user is not None and user.is_authenticated and ELDER_COOKIE not in request.COOKIES:
        # A signed-in person on a new device gets the mode they chose before.
        elder = bool(getattr(user, "elder_mode", False))
    return DisplayPreferences(
        elder=elder,
        contrast=request.COOKIES.get(CONTRAST_COOKIE) == "1",
        font_step=parse_font_step(request.COOKIES.get(FONT_COOKIE)),
    )


def set_preference_cookie(response: HttpResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
