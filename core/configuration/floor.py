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
from core.configuration import Change, audited
from core.configuration.displays import refuse_if_shown
from core.errors import Conflict, InvalidInput, NotFound
from core.fields import checked
from core.items import Counter, CounterSettings, Kiosk, KioskSettings
from core.rows import rows


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


def read_counter(db: Database, number: int) -> Counter:
    """A counter's own settings, as the center file and the admin API write them."""
    counter = get_counter(db, number)
    return Counter(number=counter.number, name=counter.name, services=list(counter.services))


def put_counter(db: Database, counter: Counter) -> None:
    """Write a counter and the services it calls, in order: the one writer that the admin
    pages and the center file share. An open counter keeps going."""
    known = {row["code"] for row in rows(db, "SELECT code FROM services")}
    unknown = [code for code in counter.services if code not in known]
    if unknown:
        raise InvalidInput(f"There is no service {unknown[0]!r}.", code="unknown_service")
    db.execute(
        "INSERT INTO counters (number, name) VALUES (?, ?)"
        " ON CONFLICT(number) DO UPDATE SET name = excluded.name",
        [counter.number, counter.name],
    )
    db.execute("DELETE FROM counter_services WHERE counter = ?", [counter.number])
    db.conn.executemany(
        "INSERT INTO counter_services (counter, service, rank) VALUES (?, ?, ?)",
        [(counter.number, code, rank) for rank, code in enumerate(counter.services, start=1)],
    )


def add_counter(db: Database, change: Change, **values: Any) -> dict[str, Any]:
    """Add a counter: its number (what the hall hears), a name, the services it calls."""
    counter = checked(Counter, values)
    with audited(db, change, "counter.add", str(counter.number)) as note:
        if rows(db, "SELECT 1 FROM counters WHERE number = ?", [counter.number]):
            raise Conflict(f"Counter {counter.number} exists already.", code="duplicate")
        put_counter(db, counter)
        note.after = read_counter(db, counter.number).stored()
    return dict(note.after)


def update_counter(db: Database, change: Change, number: int, **values: Any) -> dict[str, Any]:
    """Rename a counter and set the services it calls, in order; an open counter keeps going."""
    settings = checked(CounterSettings, values)
    with audited(db, change, "counter.update", str(number)) as note:
        note.before = read_counter(db, number).stored()
        put_counter(db, Counter(number=number, **settings.model_dump()))
        note.after = read_counter(db, number).stored()
    return dict(note.after)


def remove_counter(db: Database, change: Change, number: int) -> None:
    """Remove a counter that was never opened and never served a ticket."""
    with audited(db, change, "counter.remove", str(number)) as note:
        note.before = read_counter(db, number).stored()
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
    return Kiosk.model_validate(kiosk).stored()


def put_kiosk(
    db: Database, kiosk: Kiosk, check_printer: Callable[[str], object] | None = None
) -> None:
    """Write a kiosk and its printer: the one writer that the admin pages and the center file
    share. `check_printer` is the printer adapter's URL parser (ValueError on a bad URL)."""
    if check_printer is not None:
        try:
            check_printer(kiosk.printer)
        except ValueError as error:
            raise InvalidInput(f"The printer: {error}", code="printer") from error
    db.execute(
        "INSERT INTO kiosks (id, name, printer, paper) VALUES (:id, :name, :printer, :paper)"
        " ON CONFLICT(id) DO UPDATE SET name = excluded.name, printer = excluded.printer,"
        " paper = excluded.paper",
        kiosk.model_dump(),
    )


def add_kiosk(
    db: Database,
    change: Change,
    *,
    check_printer: Callable[[str], object] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Add a kiosk: its id (the `?kiosk=` of its page), name, printer URL and paper width."""
    kiosk = checked(Kiosk, values)
    with audited(db, change, "kiosk.add", kiosk.id) as note:
        if get_kiosk(db, kiosk.id) is not None:
            raise Conflict(f"Kiosk {kiosk.id} exists already.", code="duplicate")
        put_kiosk(db, kiosk, check_printer)
        note.after = kiosk.stored()
    return kiosk.stored()


def update_kiosk(
    db: Database,
    change: Change,
    kiosk_id: str,
    *,
    check_printer: Callable[[str], object] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Rename a kiosk or change its printer and paper; the next ticket prints there."""
    kiosk = Kiosk(id=kiosk_id, **checked(KioskSettings, values).model_dump())
    with audited(db, change, "kiosk.update", kiosk_id) as note:
        note.before = _kiosk(db, kiosk_id)
        put_kiosk(db, kiosk, check_printer)
        note.after = kiosk.stored()
    return kiosk.stored()


def remove_kiosk(db: Database, change: Change, kiosk_id: str) -> None:
    """Forget a kiosk; a device still using its id prints on the default printer."""
    with audited(db, change, "kiosk.remove", kiosk_id) as note:
        note.before = _kiosk(db, kiosk_id)
        db.execute("DELETE FROM kiosks WHERE id = ?", [kiosk_id])
