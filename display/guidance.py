"""What the kiosk's help button ("Hướng dẫn") says: the screen the visitor is on, read aloud from
the clip bank, with the names of its departments and services.

Like a call, the guidance is assembled from prerecorded clips (never a speech engine in a
request, never a network service): the fixed phrases below are built into the committed bank by
`build-voice`; the center's department and service names (`department_<CODE>`,
`service_<CODE>`) by `build-voice --services`, or recorded. A missing clip is skipped, so a
center that never built its names still hears the phrases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from display.numbers import spoken_digits
from display.speech import service_clip_key

SCREENS = ("departments", "services", "priority", "booking", "ticket", "error")

PHRASES = {
    "vi": {
        "guide_departments": "Mời chọn lĩnh vực, gồm có:",
        "guide_services": "Mời chọn dịch vụ, gồm có:",
        "guide_chosen": "Bạn đã chọn",
        "guide_priority": "Chạm nút màu xanh để lấy số thường, hoặc nút ưu tiên ở dưới.",
        "guide_booking": "Mời nhập mã đặt lịch, hoặc quét mã QR.",
        "guide_ticket": "Số của bạn là",
        "guide_ticket_wait": "Mời nhận phiếu và chờ gọi số.",
        "guide_error": "Chưa lấy được số. Mời thử lại.",
        "guide_coming": "Nhân viên đang đến giúp bạn.",
    },
    "en": {
        "guide_departments": "Please choose a department:",
        "guide_services": "Please choose a service:",
        "guide_chosen": "You chose",
        "guide_priority": "Touch the blue button for a regular ticket, or a priority button.",
        "guide_booking": "Please type your booking code, or scan its QR code.",
        "guide_ticket": "Your number is",
        "guide_ticket_wait": "Please take your ticket and wait for your number.",
        "guide_error": "The ticket could not be taken. Please try again.",
        "guide_coming": "A guide is on the way.",
    },
}

PAUSE = "{pause}"


def department_clip_key(code: str) -> str:
    """The clip that says a department's name: built by `build-voice --services`, or recorded."""
    return f"department_{code}"


def guidance_texts(lang: str) -> dict[str, str]:
    """The fixed phrases of the kiosk's guidance, as clips to build."""
    return dict(PHRASES[lang])


def guidance_keys(
    screen: str,
    *,
    departments: Sequence[str] = (),
    services: Sequence[str] = (),
    department: str | None = None,
    service: str | None = None,
    label: str | None = None,
    coming: bool = False,
) -> list[str]:
    """List the clips (and pauses) that read one kiosk screen aloud.

    `departments` and `services` are the choices the screen lists, in its order; `department`,
    `service` and `label` what the visitor chose or got; `coming`: a guide was called.
    """
    if screen not in SCREENS:
        raise ValueError(f"unknown kiosk screen {screen!r}")
    keys: list[str] = []
    if screen == "departments":
        keys += ["guide_departments", PAUSE]
        keys += [key for code in departments for key in (department_clip_key(code), PAUSE)]
    elif screen == "services":
        keys += [department_clip_key(department), PAUSE] if department else []
        keys += ["guide_services", PAUSE]
        keys += [key for code in services for key in (service_clip_key(code), PAUSE)]
    elif screen == "priority":
        keys += ["guide_chosen", service_clip_key(service), PAUSE] if service else []
        keys += ["guide_priority"]
    elif screen == "booking":
        keys += ["guide_booking"]
    elif screen == "ticket":
        keys += ["guide_ticket", *spoken_digits(label or ""), PAUSE]
        keys += [service_clip_key(service), PAUSE] if service else []
        keys += ["guide_ticket_wait"]
    else:
        keys += ["guide_error"]
    if coming:
        keys += [PAUSE, "guide_coming"]
    return keys


class ClipRenderer(Protocol):
    def render_clips(self, lang: str, keys: Sequence[str]) -> bytes: ...


class KioskGuidance:
    """The kiosk's voice: a screen's guidance as one WAV, from the call audio's clip bank (and its
    cache of renders, so every visitor who asks on the same screen costs a lookup)."""

    def __init__(self, audio: ClipRenderer) -> None:
        self.audio = audio

    def render(
        self,
        lang: str,
        screen: str,
        *,
        departments: Sequence[str] = (),
        services: Sequence[str] = (),
        department: str | None = None,
        service: str | None = None,
        label: str | None = None,
        coming: bool = False,
    ) -> bytes:
        """Render `screen` read aloud in `lang` (what may be chosen: see `guidance_keys`)."""
        keys = guidance_keys(
            screen,
            departments=departments,
            services=services,
            department=department,
            service=service,
            label=label,
            coming=coming,
        )
        return self.audio.render_clips(lang, keys)
