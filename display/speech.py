"""Assemble the audio of a call from the clip bank: a chime, then the announcement, as one WAV.

No speech engine ever runs here (it would block a request for a second and hang under threads):
a call is made by joining prerecorded clips from `sounds/<lang>/`, which `display.voice_bank`
generates and a center may replace by human recordings. Rendering is a few byte joins, and a
rendered call is kept in a small LRU, so a recall or a second display costs a dict lookup.

Template syntax. An announcement is a sequence of tokens, given as a list or as one string of
whitespace-separated tokens (`"intro {label} to_counter {counter}"`):

- a bare word is a clip key of the bank (`intro`, `to_counter`, `digit_7`, or any clip a center
  adds, such as `please_wait`);
- `{label}` reads the ticket label sign by sign ("A005" -> "a, không, không, năm");
- `{counter}` reads the counter number whole (1..99 from single clips, 100..999 composed from
  "trăm"/"linh" clips), or digit by digit when the bank cannot say it;
- `{service}` is the clip named by `service_name_key` (skipped when there is none);
- `{pause}` is a longer silence.

Degrading: a missing clip is skipped, a missing language bank leaves the chime alone, a missing
chime leaves the words; the result is always a valid WAV, so the display always has something.
"""

from __future__ import annotations

import array
import io
import json
import logging
import math
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from display.numbers import (
    ENGLISH_DIGITS,
    LANGUAGES,
    PHRASES,
    VIETNAMESE_DIGITS,
    number_keys,
    number_words,
    spoken_digits,
)

log = logging.getLogger(__name__)

FRAME_RATE = 22050
SAMPLE_WIDTH = 2
CHANNELS = 1

WORD_GAP_MS = 110
CHIME_GAP_MS = 300
PAUSE_MS = 400
REPEAT_GAP_MS = 1000
MAX_REPEAT = 5  # a mistyped setting must not make a minute-long call

DEFAULT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "vi": ("intro", "{label}", "to_counter", "{counter}"),
    "en": ("intro", "{label}", "to_counter", "{counter}"),
}
PLACEHOLDERS = ("{label}", "{counter}", "{service}", "{pause}")
_PAUSE = "{pause}"


def silence(milliseconds: int) -> bytes:
    """Make PCM silence of the bank's format."""
    return bytes(SAMPLE_WIDTH * (FRAME_RATE * milliseconds // 1000))


def rms(pcm: bytes) -> float:
    """Measure the root-mean-square level of 16-bit PCM (0 for silence, 32767 full scale)."""
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    if not samples:
        return 0.0
    return math.sqrt(sum(sample * sample for sample in samples) / len(samples))


def pcm_to_wav(pcm: bytes) -> bytes:
    """Wrap PCM frames in a WAV header of the bank's format."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(CHANNELS)
        writer.setsampwidth(SAMPLE_WIDTH)
        writer.setframerate(FRAME_RATE)
        writer.writeframes(pcm)
    return buffer.getvalue()


def _to_bank_format(frames: bytes, channels: int, frame_rate: int) -> bytes:
    """Mix a 16-bit recording down to mono and resample it linearly to the bank's rate.

    A center's human recordings come at 44.1 or 48 kHz, often stereo; converting once on load
    spares them a tool. Linear interpolation is enough for speech played in a hall.
    """
    samples = array.array("h", frames)
    if channels > 1:
        samples = array.array(
            "h",
            (
                sum(samples[i : i + channels]) // channels
                for i in range(0, len(samples) - channels + 1, channels)
            ),
        )
    if frame_rate == FRAME_RATE or not samples:
        return samples.tobytes()
    step = frame_rate / FRAME_RATE
    count = int(len(samples) / step)
    last = len(samples) - 1
    resampled = array.array("h", bytes(2 * count))
    for index in range(count):
        position = index * step
        left = int(position)
        right = min(left + 1, last)
        fraction = position - left
        resampled[index] = int(samples[left] * (1 - fraction) + samples[right] * fraction)
    return resampled.tobytes()


def read_pcm(path: Path) -> bytes:
    """Read a WAV file as PCM in the bank's format (mono, 16-bit, 22050 Hz).

    Raises ValueError for a file that is not 16-bit PCM WAV.
    """
    try:
        with wave.open(str(path), "rb") as reader:
            if reader.getsampwidth() != SAMPLE_WIDTH:
                raise ValueError(f"{path}: {8 * reader.getsampwidth()}-bit, expected 16-bit")
            frames = reader.readframes(reader.getnframes())
            channels, frame_rate = reader.getnchannels(), reader.getframerate()
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{path}: not a PCM WAV file ({error})") from error
    if channels == CHANNELS and frame_rate == FRAME_RATE:
        return frames
    return _to_bank_format(frames, channels, frame_rate)


def service_clip_key(service_code: str) -> str:
    """The clip that says a service's name: built by `build-voice --services`, or recorded."""
    return f"service_{service_code}"


def load_clip_files(language_dir: Path) -> dict[str, Path]:
    """Map clip keys to files: the manifest's entries, then any other `<key>.wav` present."""
    files = {path.stem: path for path in sorted(language_dir.glob("*.wav"))}
    manifest_path = language_dir / "manifest.json"
    try:
        if manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for key, entry in manifest["clips"].items():
                files[key] = language_dir / entry["file"]
    except (OSError, ValueError, KeyError, TypeError) as error:  # a hand-edited manifest
        log.warning("%s unreadable (%r): using the <key>.wav files", manifest_path, error)
    return {key: path for key, path in files.items() if path.is_file()}


def parse_template(template: str | Sequence[str] | None, lang: str) -> tuple[str, ...]:
    """Split a template into tokens, the language's default when None; reject unknown {names}."""
    if template is None:
        return DEFAULT_TEMPLATES.get(lang, DEFAULT_TEMPLATES["vi"])
    tokens = tuple(template.split() if isinstance(template, str) else template)
    for token in tokens:
        if token.startswith("{") and token not in PLACEHOLDERS:
            raise ValueError(f"unknown template token {token!r}: use {', '.join(PLACEHOLDERS)}")
    return tokens


def announcement_text(lang: str, label: str, counter: int) -> str:
    """Write the announcement as a sentence, for logs and captions."""
    counter_words = number_words(lang, counter)  # first: it rejects an unknown language
    digits = VIETNAMESE_DIGITS if lang == "vi" else ENGLISH_DIGITS
    signs = [digits[int(s)] if s in "0123456789" else s.upper() for s in label if s.isalnum()]
    intro, to_counter = PHRASES[lang]["intro"], PHRASES[lang]["to_counter"]
    return f"{intro} {', '.join(signs)}, {to_counter} {counter_words}"


class CallAudio:
    """Render calls to WAV bytes from a clip bank, keeping the last renders in an LRU.

    Safe to share between request threads. Each language's clips are read from disk once, at
    its first call (or at `warm`); after replacing clips on disk, call `reload`.
    """

    def __init__(self, sounds_dir: Path | str, cache_size: int = 16) -> None:
        # A call read twice is ~650 KB: 16 of them keep the cache near 10 MB of the server's
        # 150 MB, and a hall rarely recalls a call older than the last few.
        self.sounds_dir = Path(sounds_dir)
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._banks: dict[str, dict[str, bytes]] = {}
        self._chime: bytes | None = None
        self._rendered: OrderedDict[tuple[object, ...], bytes] = OrderedDict()

    def reload(self) -> None:
        """Forget the loaded clips and rendered calls, so replaced files are read again."""
        with self._lock:
            self._banks.clear()
            self._chime = None
            self._rendered.clear()

    def warm(self, lang: str) -> int:
        """Load a language's clips now rather than on the first call; return how many."""
        return len(self._bank(lang))

    def has_clip(self, lang: str, key: str) -> bool:
        """Tell whether the bank of `lang` has a clip for `key`."""
        return key in self._bank(lang)

    def _load_bank(self, lang: str) -> dict[str, bytes]:
        bank: dict[str, bytes] = {}
        language_dir = self.sounds_dir / lang
        if language_dir.is_dir():
            for key, path in load_clip_files(language_dir).items():
                try:
                    bank[key] = read_pcm(path)
                except (OSError, ValueError) as error:
                    log.warning("voice clip skipped: %s", error)
        if not bank:
            log.warning("no voice clips for %r in %s: calls will only chime", lang, language_dir)
        return bank

    def _bank(self, lang: str) -> dict[str, bytes]:
        with self._lock:
            bank = self._banks.get(lang)
        if bank is None:
            bank = self._load_bank(lang)
            with self._lock:
                bank = self._banks.setdefault(lang, bank)
        return bank

    def _chime_pcm(self) -> bytes:
        if self._chime is None:
            path = self.sounds_dir / "chime.wav"
            try:
                self._chime = read_pcm(path) if path.is_file() else b""
            except (OSError, ValueError) as error:
                log.warning("chime skipped: %s", error)
                self._chime = b""
        return self._chime

    def _counter_keys(self, bank: dict[str, bytes], lang: str, counter: int) -> list[str]:
        if counter < 0:
            raise ValueError(f"counter number must not be negative: {counter}")
        keys = number_keys(lang, counter) if lang in LANGUAGES else []
        if keys and all(key in bank for key in keys):
            return keys
        return [f"digit_{digit}" for digit in str(counter)]

    def clip_keys(
        self,
        lang: str,
        label: str,
        counter: int,
        service_name_key: str | None = None,
        template: str | Sequence[str] | None = None,
    ) -> list[str]:
        """List the clips (and `{pause}` marks) one reading of the call is made of."""
        bank = self._bank(lang)
        keys: list[str] = []
        for token in parse_template(template, lang):
            if token == "{label}":
                keys += spoken_digits(label)
            elif token == "{counter}":
                keys += self._counter_keys(bank, lang, counter)
            elif token == "{service}":
                keys += [service_name_key] if service_name_key else []
            else:
                keys.append(token)
        return keys

    def render(
        self,
        lang: str,
        label: str,
        counter: int,
        service_name_key: str | None = None,
        template: str | Sequence[str] | None = None,
        repeat: int = 1,
    ) -> bytes:
        """Render a call as one WAV: the chime, then the announcement `repeat` times (1..5)."""
        keys = self.clip_keys(lang, label, counter, service_name_key, template)
        repeat = min(max(repeat, 1), MAX_REPEAT)
        return self._cached((lang, tuple(keys), repeat), lambda: self._assemble(lang, keys, repeat))

    def render_clips(self, lang: str, keys: Sequence[str]) -> bytes:
        """Render clips (and `{pause}` marks) as one WAV, without the chime: words, not a call."""
        words = list(keys)
        return self._cached(
            (lang, tuple(words), 0), lambda: self._assemble(lang, words, 1, with_chime=False)
        )

    def _cached(self, cache_key: tuple[object, ...], assemble: Callable[[], bytes]) -> bytes:
        with self._lock:
            cached = self._rendered.get(cache_key)
            if cached is not None:
                self._rendered.move_to_end(cache_key)
                return cached
        wav = pcm_to_wav(assemble())
        with self._lock:
            self._rendered[cache_key] = wav
            while len(self._rendered) > self.cache_size:
                self._rendered.popitem(last=False)
        return wav

    def _assemble(
        self, lang: str, keys: list[str], repeat: int, *, with_chime: bool = True
    ) -> bytes:
        bank = self._bank(lang)
        word_gap, pause = silence(WORD_GAP_MS), silence(PAUSE_MS)
        words: list[bytes] = []
        for key in keys:
            if key == _PAUSE:
                words.append(pause)
            elif key in bank:
                words += [bank[key], word_gap]
            else:
                log.warning("voice clip %s/%s missing: skipped", lang, key)
        chime = self._chime_pcm() if with_chime else b""
        parts = [chime]
        if any(key in bank for key in keys):
            parts.append(silence(CHIME_GAP_MS) if chime else b"")
            parts.append(silence(REPEAT_GAP_MS).join([b"".join(words)] * repeat))
        # A WAV with no frames makes some browsers fail to play: give them a breath of silence.
        return b"".join(parts) or silence(200)
