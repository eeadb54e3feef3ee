"""Generate the clip bank calls are assembled from: `sounds/<lang>/<key>.wav`, `sounds/chime.wav`.

This runs offline, once per change of wording (the bank is committed, so a center without
espeak-ng still speaks); never in a request. pyttsx3 (libespeak-ng through ctypes) hangs when
threads share it, so the process has ONE thread that owns the engine and renders one file at a
time. Every file is checked (it opens, has frames, lasts plausibly long for its text, is not
silent) and regenerated if bad, then made by the `espeak-ng` command line. Good clips are trimmed
of silence and levelled, so the words joined in a call sound even.

Replacing a clip by a human recording: record the same words as the manifest's `text`, as a WAV
of 16-bit PCM, ideally mono at 22050 Hz (stereo and other rates are converted when loaded), with
no silence before or after the words; save it under the same file name and set the clip's
`"source"` to `"recording"` in `manifest.json`: `build-voice` then leaves it alone unless it is
named with `--only`.
"""

from __future__ import annotations

import array
import json
import math
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from display.guidance import guidance_texts
from display.numbers import clip_texts
from display.speech import FRAME_RATE, pcm_to_wav, read_pcm, rms
from display.tts import engine, synthesise_with_command_line

VOICES = {"vi": "vi", "en": "en"}
RATES = {"vi": 145, "en": 150}  # words per minute: slower than espeak's 175, for a noisy hall
RMS_FLOOR = 300.0  # below this a clip is an empty or broken render (speech is ~1500-5000)
TRIM_THRESHOLD = 100  # espeak's silence is exact zeros; speech onsets pass 100 within a ms
TARGET_RMS = 3300.0  # about -20 dBFS: words, letters and the chime at one loudness
PEAK_LIMIT = 29000  # about -1 dBFS, so levelling never clips
CHIME_KEY = "chime"


@dataclass(frozen=True)
class BuildReport:
    """What one `build_bank` run made, for the command's summary and the tests."""

    lang: str
    language_dir: Path
    built: tuple[str, ...]
    failed: tuple[str, ...]
    kept: tuple[str, ...]  # human recordings left alone
    by_command_line: tuple[str, ...]  # clips the espeak-ng fallback made
    retries: int
    total_bytes: int
    seconds: float

    @property
    def ok(self) -> bool:
        """Tell whether every requested clip was made."""
        return not self.failed


def bank_texts(lang: str) -> dict[str, str]:
    """Every clip of a language's committed bank with its words: the calls' and the kiosk's."""
    return clip_texts(lang) | guidance_texts(lang)


def speech_problem(pcm: bytes, text: str, lang: str) -> str | None:
    """Say what is wrong with a trimmed render of `text`, or None when it is plausible."""
    seconds = len(pcm) / 2 / FRAME_RATE
    words = [word for word in re.split(r"[\s-]+", text) if word]
    count = (  # syllables, roughly; Vietnamese writes one per word
        len(words)
        if lang == "vi"
        else sum(max(1, len(re.findall(r"[aeiouy]+", word.lower()))) for word in words)
    )
    shortest, longest = 0.08 * count, 0.3 + 0.7 * count
    if not pcm:
        return "no sound"
    if not shortest <= seconds <= longest:
        return f"{seconds:.2f} s for {count} syllables (expected {shortest:.2f}-{longest:.2f} s)"
    if (level := rms(pcm)) < RMS_FLOOR:
        return f"too quiet (RMS {level:.0f})"
    return None


def trim_silence(pcm: bytes) -> bytes:
    """Cut the silence before and after the words, keeping their edges and fading them."""
    samples = array.array("h", pcm)
    loud = [index for index, sample in enumerate(samples) if abs(sample) > TRIM_THRESHOLD]
    if not loud:
        return b""
    start = max(loud[0] - FRAME_RATE * 5 // 1000, 0)
    end = min(loud[-1] + FRAME_RATE * 30 // 1000, len(samples))
    clip = samples[start:end]
    fade_in, fade_out = FRAME_RATE * 3 // 1000, FRAME_RATE * 15 // 1000
    for index in range(min(fade_in, len(clip))):
        clip[index] = clip[index] * index // fade_in
    for index in range(min(fade_out, len(clip))):
        clip[-1 - index] = clip[-1 - index] * index // fade_out
    return clip.tobytes()


def level(pcm: bytes, target_rms: float = TARGET_RMS) -> bytes:
    """Scale a clip to the target loudness, never past the peak limit."""
    samples = array.array("h", pcm)
    peak = max((abs(sample) for sample in samples), default=0)
    if not peak:
        return pcm
    gain = min(target_rms / rms(pcm), PEAK_LIMIT / peak)
    return array.array("h", (int(sample * gain) for sample in samples)).tobytes()


def chime_pcm() -> bytes:
    """Synthesise a two-tone "ding-dong" (E5 then C5, bell-like partials, soft decay)."""
    duration, strikes = 1.7, ((0.0, 659.25), (0.55, 523.25))
    samples = []
    for index in range(int(duration * FRAME_RATE)):
        t = index / FRAME_RATE
        value = 0.0
        for start, frequency in strikes:
            age = t - start
            if age < 0:
                continue
            envelope = (1 - math.exp(-age / 0.004)) * math.exp(-age * 2.8)
            phase = 2 * math.pi * frequency * age
            partials = (
                math.sin(phase)
                + 0.35 * math.exp(-age * 4) * math.sin(2 * phase)
                + 0.12 * math.exp(-age * 8) * math.sin(3.01 * phase)
            )
            value += envelope * partials
        samples.append(value)
    fade = FRAME_RATE * 60 // 1000  # no click when the last ring is cut
    for index in range(fade):
        samples[-1 - index] *= index / fade
    peak = max(abs(sample) for sample in samples)
    pcm = array.array("h", (int(sample / peak * 20000) for sample in samples)).tobytes()
    return level(pcm, target_rms=TARGET_RMS * 0.9)  # a bell sounds louder than its RMS says


def _write_wav(path: Path, pcm: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(pcm_to_wav(pcm))
    os.replace(partial, path)


def _render_clip(
    text: str, lang: str, work_dir: Path, retries: int
) -> tuple[bytes | None, str, int, list[str]]:
    """Render, check and clean one clip: (pcm or None, engine, attempts, problems)."""
    problems: list[str] = []
    attempts = 0
    engines: list[tuple[str, Callable[[str, str, int, Path], None]]] = [
        ("pyttsx3", engine().synthesise),
        ("espeak-ng", synthesise_with_command_line),
    ]
    for name, synthesise in engines:
        for _ in range(retries):
            attempts += 1
            raw = work_dir / f"attempt-{attempts}.wav"
            try:
                synthesise(text, VOICES[lang], RATES[lang], raw)
                pcm = trim_silence(read_pcm(raw))
            except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as error:
                problems.append(f"{name}: {error}")
                if name == "pyttsx3" and engine().broken:
                    break
                continue
            problem = speech_problem(pcm, text, lang)
            if problem is None:
                return level(pcm), name, attempts, problems
            problems.append(f"{name}: {problem}")
    return None, "", attempts, problems


def _write_manifest(path: Path, lang: str, clips: dict[str, dict[str, str]]) -> None:
    manifest = {
        "language": lang,
        "voice": f"espeak-ng {VOICES[lang]}, {RATES[lang]} words per minute",
        "format": "WAV, PCM 16-bit, mono, 22050 Hz; no silence before or after the words",
        "clips": clips,
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_bank(
    lang: str,
    out_dir: Path | str,
    only: list[str] | None = None,
    *,
    extra_texts: dict[str, str] | None = None,
    retries: int = 3,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Generate the clips of `lang` into `out_dir/<lang>/` and the chime into `out_dir/`.

    `only` names the clip keys (and/or "chime") to make; by default every clip except human
    recordings, and the chime. The manifest always lists every clip of the language.
    `extra_texts` adds a center's own clips, such as its service and department names
    (`service_A`, `department_TP`). The kiosk's guidance phrases (display.guidance) are part
    of every bank.
    """
    began = time.monotonic()
    texts = bank_texts(lang) | (extra_texts or {})
    unknown = sorted(set(only or ()) - set(texts) - {CHIME_KEY})
    if unknown:
        raise ValueError(f"unknown clip keys for {lang!r}: {', '.join(unknown)}")
    sounds_dir = Path(out_dir)
    language_dir = sounds_dir / lang
    language_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = language_dir / "manifest.json"
    clips: dict[str, dict[str, str]] = {}
    if manifest_path.is_file():
        clips = json.loads(manifest_path.read_text("utf-8")).get("clips", {})
    recordings = {key for key, entry in clips.items() if entry.get("source") == "recording"}
    if only:
        keys = [key for key in texts if key in only]
    else:
        keys = [key for key in texts if key not in recordings]
    if not only or CHIME_KEY in only:
        _write_wav(sounds_dir / "chime.wav", chime_pcm())
    built, failed, by_command_line, retried = [], [], [], 0
    with tempfile.TemporaryDirectory(prefix="qms-voice-") as work:
        for key in keys:
            clip_dir = Path(work) / key
            clip_dir.mkdir()
            pcm, engine, attempts, problems = _render_clip(texts[key], lang, clip_dir, retries)
            retried += attempts - 1
            if pcm is None:
                failed.append(key)
                message = f"{lang}/{key}: FAILED ({'; '.join(problems)})"
            else:
                _write_wav(language_dir / f"{key}.wav", pcm)
                clips[key] = {"file": f"{key}.wav", "text": texts[key], "source": "espeak-ng"}
                built.append(key)
                if engine == "espeak-ng":
                    by_command_line.append(key)
                message = f"{lang}/{key}: {len(pcm) / 2 / FRAME_RATE:.2f} s ({engine})"
            if progress:
                progress(message)
    # Every key is listed, even one whose file failed; keys a center added are kept after them.
    listed = {
        key: {"file": f"{key}.wav", "text": text, "source": "espeak-ng"}
        | clips.get(key, {})
        | {"text": text}
        for key, text in texts.items()
    }
    _write_manifest(manifest_path, lang, listed | clips | listed)
    return BuildReport(
        lang=lang,
        language_dir=language_dir,
        built=tuple(built),
        failed=tuple(failed),
        kept=tuple(sorted(recordings - set(keys))),
        by_command_line=tuple(by_command_line),
        retries=retried,
        total_bytes=sum(path.stat().st_size for path in language_dir.iterdir()),
        seconds=time.monotonic() - began,
    )
