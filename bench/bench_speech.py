"""Time building a call's audio from the committed clip bank (budget: 30 ms with a warm bank).

Run: `.venv/bin/python bench/bench_speech.py [--sounds DIR] [--calls N]`. Prints the cold first
render (which reads the bank from disk), then p50/p99 of cache hits and of cache misses (distinct
labels, so every render joins clips), for one and two readings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from display.speech import CallAudio  # noqa: E402

BUDGET_MS = 30.0


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed_ms(audio: CallAudio, lang: str, label: str, counter: int, repeat: int) -> float:
    began = time.perf_counter()
    audio.render(lang, label, counter, repeat=repeat)
    return 1000 * (time.perf_counter() - began)


def report(name: str, values: list[float]) -> None:
    p99 = percentile(values, 0.99)
    verdict = "ok" if p99 <= BUDGET_MS else f"OVER the {BUDGET_MS:.0f} ms budget"
    print(
        f"{name:<34} n={len(values):<5} p50 {statistics.median(values):7.3f} ms"
        f"   p99 {p99:7.3f} ms   max {max(values):7.3f} ms   {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sounds", type=Path, default=ROOT / "sounds")
    parser.add_argument("--calls", type=int, default=500)
    arguments = parser.parse_args()
    print(f"clip bank: {arguments.sounds}  (budget {BUDGET_MS:.0f} ms per call)")
    for lang in ("vi", "en"):
        audio = CallAudio(arguments.sounds, cache_size=arguments.calls + 10)
        cold = timed_ms(audio, lang, "A005", 12, repeat=2)
        size = len(audio.render(lang, "A005", 12, repeat=2))
        print(f"{lang}: cold first render (reads the bank) {cold:.1f} ms, {size / 1000:.0f} KB WAV")
        for repeat in (1, 2):
            misses = [
                timed_ms(audio, lang, f"B{number:03d}", 1 + number % 99, repeat)
                for number in range(1, arguments.calls + 1)
            ]
            hits = [
                timed_ms(audio, lang, f"B{number:03d}", 1 + number % 99, repeat)
                for number in range(1, arguments.calls + 1)
            ]
            report(f"{lang} cache miss, repeat={repeat}", misses)
            report(f"{lang} cache hit,  repeat={repeat}", hits)


if __name__ == "__main__":
    main()
