"""The print agent: runs on a kiosk PC whose printer hangs on USB or a serial cable while the
server runs elsewhere: `python -m kiosk.agent --server URL --kiosk ID --printer URL --token T`,
the token of a device paired as that kiosk's print agent (`flask pair-device print_agent ID`):
it may take that kiosk's print jobs and report its printer, and nothing else (no staff role).

It is a program of its own: it never builds the server's app, so a kiosk PC gets no database, no
instance secret and no admin account. The same click command is also registered by cli.py as
`flask --app server print-agent ...`; building the app there writes nothing either (server.py).

It joins /kiosk as that kiosk's agent, receives each ticket's ESC/POS job as it is issued (the
server renders it once), prints it, and reports the outcome over HTTP, since the socket only
carries what the server pushes. It reconnects by itself; a ticket whose job it misses was
already answered and shown on the kiosk screen, so nothing is lost.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.request
from typing import Any

import click
import socketio

from kiosk.printing import parse_printer_url, send

log = logging.getLogger(__name__)

RECONNECT_DELAY_MAX_S = 10
REPORT_TIMEOUT_S = 5


class PrintAgent:
    """One kiosk's agent: prints the jobs pushed to it and reports each outcome."""

    def __init__(self, server: str, kiosk: str, printer: str, token: str, timeout_s: float) -> None:
        self.server = server.rstrip("/")
        self.kiosk = kiosk
        self.target = parse_printer_url(printer)
        self.token = token
        self.timeout_s = timeout_s
        self.client = socketio.Client(
            reconnection=True, reconnection_delay_max=RECONNECT_DELAY_MAX_S
        )
        self.ready = threading.Event()  # joined as the kiosk's agent
        self.stopped = threading.Event()
        self.client.on("print", self.print_job, namespace="/kiosk")
        self.client.on("connect", self.connected, namespace="/kiosk")

    def connected(self) -> None:
        log.info("kiosk %s: print agent connected to %s", self.kiosk, self.server)
        self.ready.set()
        self.report({"ok": True, "reason": "print agent connected"})

    def print_job(self, job: dict[str, Any]) -> None:
        result = send(self.target, base64.b64decode(job["data"]), self.timeout_s)
        log.info(
            "kiosk %s: %s %s",
            self.kiosk,
            job["label"],
            "printed" if result.ok else f"failed: {result.reason}",
        )
        self.report({"ok": result.ok, "reason": result.reason, "ticket": job["ticket"]})

    def report(self, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.server}/api/kiosks/{self.kiosk}/printer",
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Device-Token": self.token},
        )
        try:
            with urllib.request.urlopen(request, timeout=REPORT_TIMEOUT_S):
                pass
        except OSError as error:  # the server will hear of the printer at the next ticket
            log.warning("kiosk %s: could not report to the server: %s", self.kiosk, error)

    def stop(self) -> None:
        self.stopped.set()

    def run(self, until: float | None = None) -> None:
        """Connect (retrying until the server answers), then serve jobs until stopped."""
        delay = 1.0
        while not self.client.connected and not self.stopped.is_set():
            try:
                self.client.connect(
                    self.server,
                    namespaces=["/kiosk"],
                    transports=["websocket"],
                    auth={"agent": self.kiosk, "device": self.token},
                    wait_timeout=10,
                )
            except socketio.exceptions.ConnectionError as error:
                if until is not None and time.monotonic() > until:
                    raise
                log.warning("kiosk %s: server not reachable (%s); retrying", self.kiosk, error)
                self.stopped.wait(delay)
                delay = min(delay * 2, RECONNECT_DELAY_MAX_S)
        while not self.stopped.is_set() and (until is None or time.monotonic() < until):
            self.stopped.wait(0.5)
        self.client.disconnect()


@click.command("print-agent")
@click.option("--server", required=True, help="The queue server, e.g. http://192.168.1.10:8000")
@click.option("--kiosk", required=True, help="This kiosk's id in the center file ([[kiosks]] id).")
@click.option("--printer", required=True, help="The printer here, e.g. usb://04b8:0e15")
@click.option(
    "--token",
    envvar="QMS_AGENT_TOKEN",
    required=True,
    help="This kiosk's print agent token, from `flask pair-device print_agent KIOSK_ID` on the"
    " server (or QMS_AGENT_TOKEN).",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds a print may take.")
def print_agent(server: str, kiosk: str, printer: str, token: str, timeout: float) -> None:
    """Print this kiosk's tickets on a printer attached to this PC."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        agent = PrintAgent(server, kiosk, printer, token, timeout)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--printer") from error
    agent.run()


if __name__ == "__main__":
    print_agent()
