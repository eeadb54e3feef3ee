"""Assembling a call's audio from the clip bank: format, length, caching and degrading."""

from __future__ import annotations

import io
import math
import shutil
import threading
import wave
from pathlib import Path

import pytest

from display import speech
from display.numbers import clip_texts
from display.speech import CallAudio, announcement_text, pcm_to_wav, read_pcm, rms

BANK = Path(__file__).resolve().parent.parent / "sounds"


def tone(frequency: float, seconds: float, rate: int = 22050, channels: int = 1) -> bytes:
    """A sine tone as 16-bit PCM, each sample repeated for every channel."""
    samples = []
    for index in range(int(seconds * rate)):
        value = int(8000 * math.sin(2 * math.pi * frequency * index / rate))
        samples += [value] * channels
    return b"".join(sample.to_bytes(2, "little", signed=True) for sample in samples)


def wav_file(path: Path, pcm: bytes, rate: int = 22050, channels: int = 1, width: int = 2) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(pcm)


def frames_of(wav: bytes) -> tuple[wave._wave_params, bytes]:
    with wave.open(io.BytesIO(wav), "rb") as reader:
        return reader.getparams(), reader.readframes(reader.getnframes())


def seconds(wav: bytes) -> float:
    params, _ = frames_of(wav)
    return params.nframes / params.framerate


@pytest.fixture(scope="module")
def tone_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bank of 0.2 s tones, one pitch per key, and a 0.5 s chime: lengths known exactly."""
    sounds = tmp_path_factory.mktemp("sounds")
    wav_file(sounds / "chime.wav", tone(660, 0.5))
    for lang in ("vi", "en"):
        (sounds / lang).mkdir()
        for index, key in enumerate(clip_texts(lang)):
            wav_file(sounds / lang / f"{key}.wav", tone(200 + 3 * index, 0.2))
    return sounds


@pytest.fixture
def bank_copy(tone_bank: Path, tmp_path: Path) -> Path:
    """A copy of the tone bank that a test may break."""
    return Path(shutil.copytree(tone_bank, tmp_path / "sounds"))


CHIME = 0.5 + speech.CHIME_GAP_MS / 1000
WORD = 0.2 + speech.WORD_GAP_MS / 1000


def test_a_call_from_the_committed_bank_is_a_valid_wav_of_plausible_length() -> None:
    wav = CallAudio(BANK).render("vi", "A005", 12)
    params, frames = frames_of(wav)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert 4.0 < params.nframes / params.framerate < 12.0
    assert rms(frames) > 1000


def test_the_committed_bank_has_every_clip_in_the_bank_format() -> None:
    for lang in ("vi", "en"):
        for key in clip_texts(lang):
            with wave.open(str(BANK / lang / f"{key}.wav"), "rb") as reader:
                params = reader.getparams()
                assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
                assert 0.15 < params.nframes / params.framerate < 3.0, (lang, key)
    assert sum(path.stat().st_size for path in BANK.rglob("*.wav")) < 10_000_000


def test_different_labels_and_counters_give_different_audio() -> None:
    audio = CallAudio(BANK)
    calls = {
        audio.render("vi", label, counter)
        for label, counter in [("A005", 12), ("A006", 12), ("B005", 12), ("A005", 13)]
    }
    assert len(calls) == 4


def test_repeat_two_reads_the_sentence_twice_after_one_chime(tone_bank: Path) -> None:
    audio = CallAudio(tone_bank)
    once = seconds(audio.render("vi", "A005", 12))
    twice = seconds(audio.render("vi", "A005", 12, repeat=2))
    sentence = once - CHIME
    assert sentence == pytest.approx(7 * WORD, abs=0.001)  # intro a 0 0 5 to_counter 12
    assert twice == pytest.approx(CHIME + 2 * sentence + speech.REPEAT_GAP_MS / 1000, abs=0.001)
    assert 1.6 < twice / once < 2.2


def test_a_cached_call_is_the_same_bytes_and_the_lru_forgets_the_oldest(tone_bank: Path) -> None:
    audio = CallAudio(tone_bank, cache_size=2)
    first = audio.render("vi", "A001", 1)
    assert audio.render("vi", "A001", 1) is first
    audio.render("vi", "A002", 1)
    audio.render("vi", "A003", 1)
    again = audio.render("vi", "A001", 1)
    assert again == first and again is not first


def test_concurrent_renders_of_one_call_agree(tone_bank: Path) -> None:
    audio = CallAudio(tone_bank)
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(audio.render("en", "C042", 7)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1


def test_a_missing_clip_is_skipped_and_the_rest_still_plays(bank_copy: Path) -> None:
    whole = seconds(CallAudio(bank_copy).render("vi", "A005", 12))
    (bank_copy / "vi" / "to_counter.wav").unlink()
    shorter = seconds(CallAudio(bank_copy).render("vi", "A005", 12))
    assert shorter == pytest.approx(whole - WORD, abs=0.001)


def test_without_a_language_bank_the_call_is_the_chime_alone(bank_copy: Path) -> None:
    shutil.rmtree(bank_copy / "vi")
    _, frames = frames_of(CallAudio(bank_copy).render("vi", "A005", 12))
    assert frames == read_pcm(bank_copy / "chime.wav")


def test_without_any_sound_the_call_is_still_a_playable_wav(tmp_path: Path) -> None:
    params, _ = frames_of(CallAudio(tmp_path).render("vi", "A005", 12))
    assert params.framerate == 22050 and params.nframes > 0


def test_counters_above_99_are_composed_then_read_digit_by_digit(bank_copy: Path) -> None:
    audio = CallAudio(bank_copy)
    keys = audio.clip_keys("vi", "A1", 105)
    assert keys == ["intro", "letter_a", "digit_1", "to_counter"] + [
        "digit_1",
        "hundred",
        "hundred_and",
        "digit_5",
    ]
    assert audio.clip_keys("en", "A1", 121)[-4:] == [
        "digit_1",
        "hundred",
        "hundred_and",
        "number_21",
    ]
    assert audio.clip_keys("vi", "A1", 1005)[-4:] == ["digit_1", "digit_0", "digit_0", "digit_5"]
    (bank_copy / "vi" / "hundred.wav").unlink()
    audio.reload()
    assert audio.clip_keys("vi", "A1", 105)[-3:] == ["digit_1", "digit_0", "digit_5"]


def test_a_template_can_add_the_service_and_pauses(bank_copy: Path) -> None:
    wav_file(bank_copy / "vi" / "service_A.wav", tone(900, 0.3))
    audio = CallAudio(bank_copy)
    template = "intro {label} {service} {pause} to_counter {counter}"
    keys = audio.clip_keys("vi", "A5", 3, service_name_key="service_A", template=template)
    assert keys == [
        "intro",
        "letter_a",
        "digit_5",
        "service_A",
        "{pause}",
        "to_counter",
        "number_3",
    ]
    plain = seconds(audio.render("vi", "A5", 3))
    longer = seconds(audio.render("vi", "A5", 3, "service_A", template))
    expected = 0.3 + (speech.WORD_GAP_MS + speech.PAUSE_MS) / 1000
    assert longer - plain == pytest.approx(expected, abs=0.001)


def test_a_template_with_an_unknown_placeholder_is_refused(tone_bank: Path) -> None:
    with pytest.raises(ValueError, match="unknown template token"):
        CallAudio(tone_bank).render("vi", "A5", 3, template=["intro", "{ticket}"])


def test_a_stereo_44100_hz_recording_is_converted_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "intro.wav"
    wav_file(path, tone(440, 1.0, rate=44100, channels=2), rate=44100, channels=2)
    pcm = read_pcm(path)
    assert len(pcm) // 2 == pytest.approx(22050, abs=2)
    assert rms(pcm) == pytest.approx(8000 / math.sqrt(2), rel=0.02)


def test_a_clip_that_is_not_16_bit_is_skipped(bank_copy: Path) -> None:
    wav_file(bank_copy / "vi" / "intro.wav", bytes(22050), width=1)
    audio = CallAudio(bank_copy)
    assert not audio.has_clip("vi", "intro") and audio.has_clip("vi", "to_counter")


def test_the_manifest_can_point_a_key_at_another_file(bank_copy: Path) -> None:
    wav_file(bank_copy / "vi" / "recorded-intro.wav", tone(300, 1.0))
    manifest = '{"clips": {"intro": {"file": "recorded-intro.wav", "text": "x"}}}'
    (bank_copy / "vi" / "manifest.json").write_text(manifest, encoding="utf-8")
    plain = seconds(CallAudio(bank_copy).render("vi", "A5", 3))
    assert plain == pytest.approx(CHIME + 5 * WORD + 0.8, abs=0.001)


def test_announcement_text_is_the_spoken_sentence() -> None:
    assert (
        announcement_text("vi", "A005", 12)
        == "Xin mời công dân có số thứ tự A, không, không, năm, đến quầy số mười hai"
    )
    assert (
        announcement_text("en", "A005", 12)
        == "Ticket number A, zero, zero, five, please go to counter twelve"
    )
    assert announcement_text("vi", "B010", 105).endswith("quầy số một trăm linh năm")


def test_pcm_to_wav_writes_the_bank_format() -> None:
    params, frames = frames_of(pcm_to_wav(tone(440, 0.1)))
    assert (params.nchannels, params.sampwidth, params.framerate, len(frames)) == (
        1,
        2,
        22050,
        4410,
    )


def test_a_broken_manifest_falls_back_to_the_clip_files(bank_copy: Path) -> None:
    (bank_copy / "vi" / "manifest.json").write_text("{not json", encoding="utf-8")
    assert CallAudio(bank_copy).has_clip("vi", "intro")


def test_repeat_is_kept_between_one_and_five(tone_bank: Path) -> None:
    audio = CallAudio(tone_bank)
    assert audio.render("vi", "A5", 3, repeat=0) == audio.render("vi", "A5", 3, repeat=1)
    assert audio.render("vi", "A5", 3, repeat=50) == audio.render("vi", "A5", 3, repeat=5)
