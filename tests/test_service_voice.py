"""Saying the service's name in a call: clips built from the center's services, and a template
with {service} that uses them."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from db import connect
from server import ROOT
from tests.conftest import SMALL_CENTER


def seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_a_template_with_service_says_the_services_clip(
    app: Any, client: Any, tmp_path: Path
) -> None:
    sounds = tmp_path / "sounds"
    shutil.copytree(ROOT / "sounds", sounds)
    shutil.copy(sounds / "vi" / "number_12.wav", sounds / "vi" / "service_A.wav")
    from display.speech import CallAudio

    app.extensions["qms.call_audio"] = CallAudio(sounds)
    center = {
        **SMALL_CENTER,
        "announcement": {"template": "intro {label} {service} to_counter {counter}", "repeat": 1},
    }
    load_center(connect(app.config["DATABASE"]), center)

    with_name = client.get("/display/audio/A001/1.wav?service=A")
    without_clip = client.get("/display/audio/B001/1.wav?service=B")
    assert with_name.status_code == 200 and without_clip.status_code == 200
    assert seconds(with_name.data) > seconds(without_clip.data) + 0.3


@pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="espeak-ng is required (scripts/setup installs it)"
)
def test_build_voice_services_makes_a_clip_per_service(app: Any, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["build-voice", "--lang", "vi", "--services", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    made = sorted(path.name for path in (tmp_path / "vi").glob("service_*.wav"))
    assert made == ["service_A.wav", "service_B.wav", "service_D.wav"]
    with wave.open(str(tmp_path / "vi" / "service_A.wav")) as audio:
        assert audio.getnframes() / audio.getframerate() > 0.3
