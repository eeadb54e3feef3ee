"""Generating the clip bank with the real pyttsx3/espeak-ng, and checking what it makes."""

from __future__ import annotations

import json
import math
import shutil
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from display import tts, voice_bank
from display.commands import build_voice
from display.speech import read_pcm, rms
from display.voice_bank import bank_texts, build_bank, chime_pcm, speech_problem, trim_silence

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is required to generate the voice bank (apt-get install espeak-ng)",
)


def clip_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (
            1,
            2,
            22050,
        )
        return reader.getnframes() / reader.getframerate()


def leading_silence_ms(pcm: bytes) -> float:
    samples = memoryview(pcm).cast("h")
    first = next(index for index, sample in enumerate(samples) if abs(sample) > 300)
    return 1000 * first / 22050


class BrokenEngine:
    """An engine thread whose pyttsx3 could not start, as on a machine without libespeak-ng."""

    broken = "pyttsx3 could not start: no driver"

    def synthesise(self, text: str, voice: str, rate: int, path: Path) -> None:
        raise RuntimeError(self.broken)


def test_build_bank_makes_checked_clean_clips_with_pyttsx3(tmp_path: Path) -> None:
    keys = ["intro", "digit_5", "letter_b", "number_24"]
    report = build_bank("vi", tmp_path, only=keys)
    assert report.ok and set(report.built) == set(keys)
    assert report.by_command_line == ()
    for key, (shortest, longest) in {
        "intro": (1.2, 3.5),
        "digit_5": (0.15, 0.8),
        "letter_b": (0.15, 0.8),
        "number_24": (0.5, 1.5),
    }.items():
        path = tmp_path / "vi" / f"{key}.wav"
        assert shortest < clip_seconds(path) < longest, key
        pcm = read_pcm(path)
        assert rms(pcm) == pytest.approx(voice_bank.TARGET_RMS, rel=0.1) or (
            max(abs(sample) for sample in memoryview(pcm).cast("h")) >= voice_bank.PEAK_LIMIT - 1
        )
        assert leading_silence_ms(pcm) < 60, key
    assert not (tmp_path / "chime.wav").exists()


def test_the_manifest_lists_every_clip_with_its_text(tmp_path: Path) -> None:
    build_bank("en", tmp_path, only=["to_counter"])
    manifest = json.loads((tmp_path / "en" / "manifest.json").read_text("utf-8"))
    assert set(manifest["clips"]) == set(bank_texts("en"))
    assert manifest["clips"]["to_counter"] == {
        "file": "to_counter.wav",
        "text": "please go to counter",
        "source": "espeak-ng",
    }


def test_a_whole_build_keeps_human_recordings_and_writes_the_chime(tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    recording = tmp_path / "vi" / "intro.wav"
    recording.write_bytes(b"a human recording")
    manifest = {"clips": {"intro": {"file": "intro.wav", "text": "x", "source": "recording"}}}
    (tmp_path / "vi" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = build_bank("vi", tmp_path)
    assert report.ok and report.kept == ("intro",)
    assert set(report.built) == set(bank_texts("vi")) - {"intro"}
    assert recording.read_bytes() == b"a human recording"
    clips = json.loads((tmp_path / "vi" / "manifest.json").read_text("utf-8"))["clips"]
    assert clips["intro"]["source"] == "recording"
    assert clip_seconds(tmp_path / "chime.wav") == pytest.approx(1.7)


def test_the_command_line_takes_over_when_pyttsx3_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(voice_bank, "engine", BrokenEngine)
    report = build_bank("vi", tmp_path, only=["digit_0", "number_12"])
    assert report.ok and report.by_command_line == ("digit_0", "number_12")
    assert 0.4 < clip_seconds(tmp_path / "vi" / "number_12.wav") < 1.2


def test_the_engine_thread_applies_each_job_s_voice_and_rate(tmp_path: Path) -> None:
    """pyttsx3's espeak driver is asynchronous: settings sent too early are cancelled."""
    engine = tts.engine()
    jobs = [("vi", 145), ("en", 145), ("vi", 220), ("en", 220)] * 3
    lengths: dict[tuple[str, int], list[float]] = {}
    for index, (voice, rate) in enumerate(jobs):
        path = tmp_path / f"{index}.wav"
        engine.synthesise("hai mươi mốt", voice, rate, path)
        lengths.setdefault((voice, rate), []).append(clip_seconds(path))
    for voice in ("vi", "en"):
        assert max(lengths[voice, 220]) < 0.8 * min(lengths[voice, 145])
    assert lengths["vi", 145] != lengths["en", 145]  # the voices differ


def test_an_unknown_clip_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="letter_zz"):
        build_bank("vi", tmp_path, only=["letter_zz"])


def test_silent_empty_and_overlong_renders_are_rejected() -> None:
    assert speech_problem(b"", "một", "vi") == "no sound"
    assert "syllables" in (speech_problem(bytes(2 * 22050 * 5), "một", "vi") or "")
    quiet = b"".join((50).to_bytes(2, "little", signed=True) for _ in range(8000))
    assert "too quiet" in (speech_problem(quiet, "một", "vi") or "")
    assert trim_silence(bytes(22050)) == b""


def strength(pcm: bytes, frequency: float) -> float:
    """The amplitude of one frequency in a stretch of PCM (Goertzel's algorithm)."""
    samples = memoryview(pcm).cast("h")
    coefficient = 2 * math.cos(2 * math.pi * frequency / 22050)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    return math.sqrt(previous**2 + before**2 - coefficient * previous * before) / len(samples)


def test_the_chime_is_a_high_tone_then_a_low_tone_fading_out() -> None:
    pcm = chime_pcm()
    assert len(pcm) == 2 * int(1.7 * 22050)
    ding, dong = pcm[2 * 1000 : 2 * 11000], pcm[2 * 13500 : 2 * 22000]
    assert strength(ding, 659.25) > 5 * strength(ding, 523.25)
    assert strength(dong, 523.25) > 2 * strength(dong, 659.25)
    assert rms(ding) > 1000 and rms(dong) > 1000
    assert rms(pcm[-2 * 100 :]) < 50  # faded out: no click at the end


def test_build_voice_command_builds_the_named_clips(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_voice, ["--lang", "en", "--out", str(tmp_path), "--only", "digit_1"]
    )
    assert result.exit_code == 0, result.output
    assert "en: 1 clips built" in result.output
    assert (tmp_path / "en" / "digit_1.wav").is_file()
    refused = CliRunner().invoke(
        build_voice, ["--lang", "vi", "--out", str(tmp_path), "--only", "x"]
    )
    assert refused.exit_code == 2
