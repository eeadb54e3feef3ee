"""The hall's layout: counters (and the services each calls, in order) and the kiosks with
their printers.

A counter serves at least one service (a center file could not say otherwise), in the order it
calls them: the first service with a waiting ticket wins. A counter that has served a ticket is
part of the reports and cannot be removed; its services can still change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from core.center import get_counter, get_kiosk
from core.configuration import Change, audited, short_code, text, whole_number
from core.configuration.displays import refuse_if_shown
from core.errors import Conflict, InvalidInput, NotFound
from core.rows import rows

COUNTER_MAX = 999
PAPERS = ("80mm", "58mm")


def list_counter_rows(db: Database) -> list[dict[str, Any]]:
    """Every counter with its state, its services in calling order, and whether it may go."""
    used = {
        row["counter"]
        for row in rows(
            db,
            "SELECT DISTINCT counter FROM tickets WHERE counter IS NOT NULL"
            " UNION SELECT DISTINCT counter FROM counter_events",
        )
    }
    served: dict[int, list[str]] = {}
    for row in rows(db, "SELECT counter, service FROM counter_services ORDER BY rank"):
        served.setdefault(row["counter"], []).append(row["service"])
    return [
        {**row, "services": served.get(row["number"], []), "removable": row["number"] not in used}
        for row in rows(db, "SELECT number, name, status, clerk FROM counters ORDER BY number")
    ]


def _counter_dict(db: Database, number: int) -> dict[str, Any]:
    counter = get_counter(db, number)
    return {"number": counter.number, "name": counter.name, "services": list(counter.services)}


def _checked_services(db: Database, services: Any) -> list[str]:
    if not isinstance(services, list) or not services:
        raise InvalidInput("Choose at least one service for the counter.", code="no_services")
    if len(set(services)) != len(services):
        raise InvalidInput("A service is listed twice for the counter.", code="duplicate")
    known = {row["code"] for row in rows(db, "SELECT code FROM services")}
    unknown = [code for code in services if code not in known]
    if unknown:
        raise InvalidInput(f"There is no service {unknown[0]!r}.", code="unknown_service")
    return [str(code) for code in services]


def _write_services(db: Database, number: int, services: list[str]) -> None:
    db.execute("DELETE FROM counter_services WHERE counter = ?", [number])
    db.conn.executemany(
        "INSERT INTO counter_services (counter, service, rank) VALUES (?, ?, ?)",
        [(number, code, rank) for rank, code in enumerate(services, start=1)],
    )


def add_counter(
    db: Database, change: Change, *, number: int, name: str | None, services: list[str]
) -> dict[str, Any]:
    """Add a counter: its number (what the hall hears), a name, the services it calls."""
    number = whole_number(number, "The counter number", 1, COUNTER_MAX)
    name = text(name, "The counter name", required=False) or f"Quầy {number}"
    with audited(db, change, "counter.add", str(number)) as note:
        checked = _checked_services(db, services)
        if rows(db, "SELECT 1 FROM counters WHERE number = ?", [number]):
            raise Conflict(f"Counter {number} exists already.", code="duplicate")
        db.execute("INSERT INTO counters (number, name) VALUES (?, ?)", [number, name])
        _write_services(db, number, checked)
        note.after = _counter_dict(db, number)
    return dict(note.after)


def update_counter(
    db: Database, change: Change, number: int, *, name: str | None, services: list[str]
) -> dict[str, Any]:
    """Rename a counter and set the services it calls, in order; an open counter keeps going."""
    name = text(name, "The counter name", required=False) or f"Quầy {number}"
    with audited(db, change, "counter.update", str(number)) as note:
        note.before = _counter_dict(db, number)
        checked = _checked_services(db, services)
        db.execute("UPDATE counters SET name = ? WHERE number = ?", [name, number])
        _write_services(db, number, checked)
        note.after = _counter_dict(db, number)
    return dict(note.after)


def remove_counter(db: Database, change: Change, number: int) -> None:
    """Remove a counter that was never opened and never served a ticket."""
    with audited(db, change, "counter.remove", str(number)) as note:
        note.before = _counter_dict(db, number)
        used = rows(db, "SELECT 1 FROM tickets WHERE counter = ? LIMIT 1", [number]) or rows(
            db, "SELECT 1 FROM counter_events WHERE counter = ? LIMIT 1", [number]
        )
        if used:
            raise Conflict(
                f"Counter {number} has been used, and the reports need it; change its services"
                " instead.",
                code="counter_in_use",
            )
        refuse_if_shown(db, "counters", number, f"Counter {number}")
        db.execute("DELETE FROM counters WHERE number = ?", [number])


def _kiosk(db: Database, kiosk_id: str) -> dict[str, Any]:
    kiosk = get_kiosk(db, kiosk_id)
    if kiosk is None:
        raise NotFound(f"There is no kiosk {kiosk_id!r}.", code="unknown_kiosk")
    return kiosk


def _checked_kiosk(
    values: dict[str, Any], kiosk_id: str, check_printer: Callable[[str], object] | None
) -> dict[str, Any]:
    printer = values.get("printer") or "none:"
    if not isinstance(printer, str) or len(printer) > 300:
        raise InvalidInput("The printer must be a URL such as tcp://10.0.0.5.", code="printer")
    if check_printer is not None:
        try:
            check_printer(printer)
        except ValueError as error:
            raise InvalidInput(f"The printer: {error}", code="printer") from error
    paper = values.get("paper", "80mm")
    if paper not in PAPERS:
        raise InvalidInput("The paper must be 80mm or 58mm.", code="paper")
    name = text(values.get("name"), "The kiosk name", required=False) or kiosk_id
    return {"id": kiosk_id, "name": name, "printer": printer, "paper": paper}


def add_kiosk(
    db: Database,
    change: Change,
    *,
    check_printer: Callable[[str], object] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Add a kiosk: its id (the `?kiosk=` of its page), name, printer URL and paper width.

    `check_printer` is the printer adapter's URL parser (ValueError on a bad URL).
    """
    kiosk_id = short_code(values.get("id"), "The kiosk id")
    new = _checked_kiosk(values, kiosk_id, check_printer)
    with audited(db, change, "kiosk.add", kiosk_id) as note:
        if get_kiosk(db, kiosk_id) is not None:
            raise Conflict(f"Kiosk {kiosk_id} exists already.", code="duplicate")
        db.execute(
            "INSERT INTO kiosks (id, name, printer, paper) VALUES (:id, :name, :printer, :paper)",
            new,
        )
        note.after = new
    return new


def update_kiosk(
    db: Database,
    change: Change,
    kiosk_id: str,
    *,
    check_printer: Callable[[str], object] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Rename a kiosk or change its printer and paper; the next ticket prints there."""
    new = _checked_kiosk(values, kiosk_id, check_printer)
    with audited(db, change, "kiosk.update", kiosk_id) as note:
        note.before = _kiosk(db, kiosk_id)
        db.execute(
            "UPDATE kiosks SET name = :name, printer = :printer, paper = :paper WHERE id = :id",
            new,
        )
        note.after = new
    return new


def remove_kiosk(db: Database, change: Change, kiosk_id: str) -> None:
    """Forget a kiosk; a device still using its id prints on the default printer."""
    with audited(db, change, "kiosk.remove", kiosk_id) as note:
        note.before = _kiosk(db, kiosk_id)
        db.execute("DELETE FROM kiosks WHERE id = ?", [kiosk_id])
