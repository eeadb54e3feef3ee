"""The clerks' skills: which services each may serve, from `[[staff]]` in the center file or
the admin's users page (audited). The rebalancing advisor (core/advice.py) moves a clerk only
to a counter whose every service is among them; a clerk with none recorded is never moved.
"""

from __future__ import annotations

from sqlite_utils import Database

from core.configuration import Change, audited
from core.errors import InvalidInput
from core.items import StaffServices, StaffSkills
from core.rows import rows
from core.users import get_user


def all_skills(db: Database) -> dict[str, list[str]]:
    """Every clerk's services, by username, each list in the center's order of services."""
    found: dict[str, list[str]] = {}
    for row in rows(
        db,
        "SELECT username, service FROM staff_services JOIN services ON service = code"
        " ORDER BY username, position",
    ):
        found.setdefault(row["username"], []).append(row["service"])
    return found


def read_skills(db: Database) -> list[StaffSkills]:
    """The skills as the items of a center file (for the exporter)."""
    return [
        StaffSkills(username=username, services=services)
        for username, services in all_skills(db).items()
    ]


def _write(db: Database, username: str, services: list[str]) -> None:
    known = {row["code"] for row in rows(db, "SELECT code FROM services")}
    for code in services:
        if code not in known:
            raise InvalidInput(f"Service {code!r} does not exist.", code="unknown_service")
    db.execute("DELETE FROM staff_services WHERE username = ?", [username])
    for code in services:
        db.execute("INSERT INTO staff_services (username, service) VALUES (?, ?)", [username, code])


def replace_skills(db: Database, staff: list[StaffSkills]) -> None:
    """Replace every clerk's skills by a center file's (inside the loader's transaction)."""
    db.execute("DELETE FROM staff_services")
    for member in staff:
        _write(db, member.username, member.services)


def set_user_services(
    db: Database, change: Change, username: str, skills: StaffServices
) -> dict[str, object]:
    """Set the services an account may serve (an admin's change, audited)."""
    get_user(db, username)  # 404 for a name that is no account
    with audited(db, change, "user.services", username) as note:
        note.before = {"services": all_skills(db).get(username, [])}
        _write(db, username, skills.services)
        note.after = {"services": all_skills(db).get(username, [])}
    return {"username": username, **note.after}
