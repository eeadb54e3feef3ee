"""The small center the tests that run the real server load from a center file: one department
(TP, Tư pháp), one service (A, Hộ tịch) served at every counter, and, for the print agent's
tests, kiosk k1 printing through its agent. Only the center's name tells the files apart."""

from __future__ import annotations

ONE_SERVICE = """
[center]
name = "{name}"
[[departments]]
code = "TP"
name = "Tư pháp"
[[services]]
code = "A"
name = "Hộ tịch"
department = "TP"
"""
COUNTER = """[[counters]]
number = {number}
services = ["A"]
"""
AGENT_KIOSK = """[[kiosks]]
id = "k1"
printer = "agent:"
"""


def one_service_center(name: str, *, counters: int = 1, agent_kiosk: bool = False) -> str:
    """The text of the center file: service A at counters 1..`counters`, and with `agent_kiosk`,
    kiosk k1 whose print agent prints its tickets."""
    text = ONE_SERVICE.format(name=name)
    text += "".join(COUNTER.format(number=number) for number in range(1, counters + 1))
    return text + (AGENT_KIOSK if agent_kiosk else "")
