"""The kiosk's help button: the screen read aloud from the clip bank, and a guide called to the
kiosk on the supervisors' monitors (POST /api/kiosks/<id>/help, the `kiosk_help` push)."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from core.kiosk_help import HELP_SHOWN_MIN
from db import connect
from display.guidance import PHRASES, guidance_keys
from display.numbers import LANGUAGES
from display.speech import CallAudio
from realtime import socketio
from server import ROOT
from tests.conftest import SMALL_CENTER, sign_in

WITH_KIOSKS = SMALL_CENTER | {
    "kiosks": [{"id": "k2", "name": "Kiosk 2"}, {"id": "lobby", "name": "Kiosk sảnh"}]
}


@pytest.fixture
def center(app: Any) -> Any:
    load_center(connect(app.config["DATABASE"]), WITH_KIOSKS)
    return app


def seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as audio:
        return audio.getnframes() / audio.getframerate()


# ---------- what each screen says ----------


def test_each_screen_reads_its_prompt_and_the_names_it_lists() -> None:
    assert guidance_keys("departments", departments=["TP", "TC"]) == [
        "guide_departments",
        "{pause}",
        "department_TP",
        "{pause}",
        "department_TC",
        "{pause}",
    ]
    services = guidance_keys("services", department="TP", services=["A", "B"])
    assert services[0] == "department_TP" and services[2] == "guide_services"
    assert [key for key in services if key.startswith("service_")] == ["service_A", "service_B"]
    assert guidance_keys("priority", service="A")[:2] == ["guide_chosen", "service_A"]
    ticket = guidance_keys("ticket", label="A005", service="A")
    assert ticket[:5] == ["guide_ticket", "letter_a", "digit_0", "digit_0", "digit_5"]
    assert ticket[-1] == "guide_ticket_wait"
    assert guidance_keys("error", coming=True)[-1] == "guide_coming"
    with pytest.raises(ValueError, match="unknown kiosk screen"):
        guidance_keys("settings")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_bank_has_every_guidance_phrase(lang: str) -> None:
    audio = CallAudio(ROOT / "sounds")
    missing = [key for key in PHRASES[lang] if not audio.has_clip(lang, key)]
    assert missing == []


def test_the_help_audio_reads_the_departments_with_the_names_a_center_built(
    center: Any, client: Any, tmp_path: Path
) -> None:
    plain = client.get("/kiosk/help/departments.wav")
    assert plain.status_code == 200 and plain.mimetype == "audio/wav"
    assert plain.headers["Cache-Control"] == "no-cache"
    # the center builds its department names (build-voice --services): they are read too
    sounds = tmp_path / "sounds"
    shutil.copytree(ROOT / "sounds", sounds)
    shutil.copy(sounds / "vi" / "number_12.wav", sounds / "vi" / "department_TP.wav")
    audio = CallAudio(sounds)
    from display.guidance import KioskGuidance

    center.extensions["qms.kiosk_guidance"] = KioskGuidance(audio)
    named = client.get("/kiosk/help/departments.wav")
    assert seconds(named.data) > seconds(plain.data) + 0.3


def test_the_help_audio_of_the_ticket_reads_the_number(center: Any, client: Any) -> None:
    services = client.get("/kiosk/help/services.wav?department=TP&lang=vi").data
    ticket = client.get("/kiosk/help/ticket.wav?label=A005&service=A").data
    other = client.get("/kiosk/help/ticket.wav?label=A1234567&service=A").data
    assert seconds(ticket) > 3 and seconds(services) > 2
    assert seconds(other) > seconds(ticket)  # more signs, read one by one
    english = client.get("/kiosk/help/ticket.wav?label=A005&lang=en").data
    assert english != ticket


def test_the_help_audio_takes_only_the_centers_own_names(center: Any, client: Any) -> None:
    assert client.get("/kiosk/help/admin.wav").status_code == 404
    plain = client.get("/kiosk/help/priority.wav").data
    # an unknown service, a label that is no label, a language the bank lacks: all left out
    odd = client.get("/kiosk/help/priority.wav?service=../x&label=<b>&lang=fr").data
    assert odd == plain


# ---------- calling a guide ----------


def supervisors_monitor(app: Any) -> tuple[Any, Any]:
    supervisor = app.test_client()
    headers = sign_in(supervisor, "chi")
    socket = socketio.test_client(app, namespace="/counter", flask_test_client=supervisor)
    socket.get_received("/counter")
    return socket, (supervisor, headers)


def pushes(socket: Any) -> list[dict[str, Any]]:
    return [
        message["args"][0]
        for message in socket.get_received("/counter")
        if message["name"] == "kiosk_help"
    ]


def test_a_kiosk_calls_a_guide_to_the_supervisors_monitors_alone(center: Any, client: Any) -> None:
    monitor, _ = supervisors_monitor(center)
    clerk = center.test_client()
    sign_in(clerk, "an")
    clerks_terminal = socketio.test_client(center, namespace="/counter", flask_test_client=clerk)
    clerks_terminal.get_received("/counter")

    answer = client.post("/api/kiosks/k2/help")

    assert answer.status_code == 202
    assert answer.json == {
        "kiosk": "k2",
        "name": "Kiosk 2",
        "at": "2026-11-30T01:00:00.000+00:00",
        "until": f"2026-11-30T01:0{HELP_SHOWN_MIN}:00.000+00:00",
    }
    assert pushes(monitor) == [answer.json | {"acknowledged_by": None}]
    assert pushes(clerks_terminal) == []  # the clerks serve their visitors


def test_a_supervisor_answers_and_every_monitor_lets_it_go(center: Any, client: Any) -> None:
    monitor, (supervisor, headers) = supervisors_monitor(center)
    client.post("/api/kiosks/lobby/help")
    pushes(monitor)

    refused = client.post("/api/kiosks/lobby/help/acknowledge")  # a visitor cannot
    answered = supervisor.post("/api/kiosks/lobby/help/acknowledge", headers=headers)

    assert refused.status_code == 401
    assert answered.status_code == 200 and answered.json["acknowledged_by"] == "chi"
    assert [push["acknowledged_by"] for push in pushes(monitor)] == ["chi"]


def test_a_call_for_an_unknown_kiosk_is_refused_and_pushes_nothing(
    center: Any, client: Any
) -> None:
    monitor, _ = supervisors_monitor(center)
    answer = client.post("/api/kiosks/k9<b>/help")
    assert answer.status_code == 404 and answer.json["error"] == "unknown_kiosk"
    assert pushes(monitor) == []


def test_a_stranger_cannot_flood_the_monitors(database_path: Path) -> None:
    from server import create_app

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "30/minute"}
    )
    load_center(connect(database_path), WITH_KIOSKS)
    client = app.test_client()
    answers = [client.post("/api/kiosks/k2/help").status_code for _ in range(4)]
    assert answers == [202, 202, 202, 429]
