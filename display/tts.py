"""The speech engine, for building the clip bank only: pyttsx3 on one thread, espeak-ng's
command line as the fallback.

pyttsx3 (libespeak-ng through ctypes) hangs when threads share it, so the process has ONE thread
that owns the engine and renders one file at a time. Never used in a request.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

SYNTHESIS_TIMEOUT_S = 20.0


class _EngineThread:
    """The one thread of the process that owns the pyttsx3 engine and renders one file at a time."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[str, str, int, Path, Future[None]]] = queue.Queue()
        self.broken: str | None = None
        threading.Thread(target=self._serve, name="voice-bank-tts", daemon=True).start()

    def synthesise(self, text: str, voice: str, rate: int, path: Path) -> None:
        """Render `text` to `path` on the engine thread; raise RuntimeError if it fails or hangs."""
        if self.broken:
            raise RuntimeError(self.broken)
        future: Future[None] = Future()
        self._jobs.put((text, voice, rate, path, future))
        try:
            future.result(timeout=SYNTHESIS_TIMEOUT_S + 5)
        except TimeoutError:
            # The thread may never come back: stop sending it work, the command line takes over.
            self.broken = f"pyttsx3 hung for {SYNTHESIS_TIMEOUT_S:.0f} s on {text!r}"
            raise RuntimeError(self.broken) from None

    def _serve(self) -> None:
        try:
            import pyttsx3
            from pyttsx3.drivers import _espeak

            engine = pyttsx3.init("espeak")
        except Exception as error:  # any failure to start leaves the command-line fallback
            self.broken = f"pyttsx3 could not start: {error}"
        finished = threading.Event()
        if not self.broken:
            engine.connect("finished-utterance", lambda name, completed: finished.set())
        voice = ""
        while True:
            text, job_voice, rate, path, future = self._jobs.get()
            if self.broken:
                future.set_exception(RuntimeError(self.broken))
                continue
            try:
                # The espeak driver runs in RETRIEVAL (asynchronous) mode: settings are queued,
                # runAndWait returns before the file is written, and its stop() cancels whatever
                # is queued. So settings are applied straight away and let land (Synchronize),
                # and the file is ready only when the utterance says it has finished.
                if job_voice != voice:  # switch only when needed: switches cause empty files
                    voice = ""
                    if _espeak.SetVoiceByName(job_voice.encode()) != _espeak.EE_OK:
                        raise RuntimeError(f"espeak-ng has no voice {job_voice!r}")
                    voice = job_voice
                _espeak.SetParameter(_espeak.RATE, rate, 0)
                _espeak.Synchronize()
                finished.clear()
                with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to"
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
                    if not finished.wait(SYNTHESIS_TIMEOUT_S):
                        self.broken = f"pyttsx3 never finished {text!r}"
                        raise RuntimeError(self.broken)
                _espeak.Synchronize()
            except Exception as error:
                voice = ""  # set it again: a failure may leave espeak in any state
                future.set_exception(error)
            else:
                future.set_result(None)


_engine_lock = threading.Lock()
_engine_threads: list[_EngineThread] = []  # at most one, started by the first build


def engine() -> _EngineThread:
    with _engine_lock:
        if not _engine_threads:
            quiet_pulse()
            _engine_threads.append(_EngineThread())
        return _engine_threads[0]


def quiet_pulse() -> None:
    """Give PulseAudio (loaded by espeak-ng even to write files) a temp folder, removed at exit.

    Without it, every run leaves `/tmp/pulse-*` and `~/.config/pulse` behind.
    """
    if "PULSE_RUNTIME_PATH" not in os.environ:
        folder = tempfile.mkdtemp(prefix="qms-pulse-")
        os.environ["PULSE_RUNTIME_PATH"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


def synthesise_with_command_line(text: str, voice: str, rate: int, path: Path) -> None:
    """Render `text` to `path` with the `espeak-ng` program (the fallback to pyttsx3)."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise RuntimeError("espeak-ng is not installed")
    quiet_pulse()
    command = [program, "-b", "1", "-v", voice, "-s", str(rate), "-w", str(path), "--", text]
    subprocess.run(command, check=True, capture_output=True, timeout=SYNTHESIS_TIMEOUT_S)
