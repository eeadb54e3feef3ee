"""The audit page: the audit log and the audited ticket events, merged by time, filtered by
period and kind, in pages of PAGE_SIZE. Plain GET parameters, so a filtered view is a link.

Each entry is described in words here (action, and what changed from before to after), so the
template only lays lines out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import request
from flask_babel import lazy_pgettext, pgettext

from admin import bp, page
from core.audit import KINDS, AuditEntry, days_to_range, list_entries
from core.center import get_center
from core.items import ALL_ITEMS
from core.models import parse_timestamp
from db.web import get_db, now

PAGE_SIZE = 50
DEFAULT_DAYS = 7

ACTIONS = {
    "center.update": lazy_pgettext("admin", "Center settings changed"),
    "announcement.update": lazy_pgettext("admin", "Announcement changed"),
    "priority.policy": lazy_pgettext("admin", "Priority policy changed"),
    "priority.categories": lazy_pgettext("admin", "Priority categories changed"),
    "holidays.update": lazy_pgettext("admin", "Holidays changed"),
    "appointments.update": lazy_pgettext("admin", "Booking window changed"),
    "answer_delay.update": lazy_pgettext("admin", "Suggestion box settings changed"),
    "feedback.reply": lazy_pgettext("admin", "Feedback answered"),
    "feedback.status": lazy_pgettext("admin", "Feedback status changed"),
    "department.add": lazy_pgettext("admin", "Department added"),
    "department.update": lazy_pgettext("admin", "Department changed"),
    "department.remove": lazy_pgettext("admin", "Department removed"),
    "departments.order": lazy_pgettext("admin", "Departments reordered"),
    "services.order": lazy_pgettext("admin", "Services reordered"),
    "service.add": lazy_pgettext("admin", "Service added"),
    "service.update": lazy_pgettext("admin", "Service changed"),
    "service.enable": lazy_pgettext("admin", "Service switched on"),
    "service.disable": lazy_pgettext("admin", "Service switched off"),
    "service.remove": lazy_pgettext("admin", "Service removed"),
    "counter.add": lazy_pgettext("admin", "Counter added"),
    "counter.update": lazy_pgettext("admin", "Counter changed"),
    "counter.remove": lazy_pgettext("admin", "Counter removed"),
    "kiosk.add": lazy_pgettext("admin", "Kiosk added"),
    "kiosk.update": lazy_pgettext("admin", "Kiosk changed"),
    "kiosk.remove": lazy_pgettext("admin", "Kiosk removed"),
    "display.add": lazy_pgettext("admin", "Hall display added"),
    "display.update": lazy_pgettext("admin", "Hall display changed"),
    "display.remove": lazy_pgettext("admin", "Hall display removed"),
    "user.create": lazy_pgettext("admin", "Account created"),
    "user.enable": lazy_pgettext("admin", "Account switched on"),
    "user.disable": lazy_pgettext("admin", "Account switched off"),
    "user.role": lazy_pgettext("admin", "Role changed"),
    "user.name": lazy_pgettext("admin", "Name shown changed"),
    "user.password": lazy_pgettext("admin", "Password reset"),
    "user.unlock": lazy_pgettext("admin", "Sign-in lockout lifted"),
    "user.unlock_address": lazy_pgettext("admin", "Device's sign-in lockout lifted"),
    "user.move_counter": lazy_pgettext("admin", "Clerk moved to another counter"),
    "user.services": lazy_pgettext("admin", "Services the account may serve changed"),
    "advice.applied": lazy_pgettext("admin", "Advice to move a clerk applied"),
    "token.create": lazy_pgettext("admin", "Integration token made"),
    "token.revoke": lazy_pgettext("admin", "Integration token revoked"),
    "device.pair": lazy_pgettext("admin", "Device paired"),
    "device.revoke": lazy_pgettext("admin", "Device revoked"),
    "ticket.called_out_of_order": lazy_pgettext("admin", "Called out of order"),
    "ticket.cancelled": lazy_pgettext("admin", "Ticket cancelled"),
    "ticket.transferred": lazy_pgettext("admin", "Ticket transferred"),
    "ticket.reactivated": lazy_pgettext("admin", "Ticket reactivated"),
    "ticket.prioritised": lazy_pgettext("admin", "Ticket priority changed"),
}
KIND_NAMES = {
    "config": lazy_pgettext("admin", "Configuration"),
    "users": lazy_pgettext("admin", "Staff accounts"),
    "tickets": lazy_pgettext("admin", "Tickets"),
    "feedback": lazy_pgettext("admin", "Suggestions and complaints"),
}
FIELDS = {
    "name": lazy_pgettext("admin", "name"),
    "name_en": lazy_pgettext("admin", "english name"),
    "language": lazy_pgettext("admin", "language"),
    "footer": lazy_pgettext("admin", "ticket footer"),
    "rating_scale": lazy_pgettext("admin", "rating scale"),
    "dossier_pattern": lazy_pgettext("admin", "dossier code pattern"),
    "department": lazy_pgettext("admin", "department"),
    "target_wait_min": lazy_pgettext("admin", "target wait (min)"),
    "daily_quota": lazy_pgettext("admin", "daily quota"),
    "hours": lazy_pgettext("admin", "hours"),
    "enabled": lazy_pgettext("admin", "on"),
    "services": lazy_pgettext("admin", "services"),
    "counters": lazy_pgettext("admin", "counters"),
    "departments": lazy_pgettext("admin", "departments"),
    "printer": lazy_pgettext("admin", "printer"),
    "paper": lazy_pgettext("admin", "paper"),
    "policy": lazy_pgettext("admin", "policy"),
    "max_in_row": lazy_pgettext("admin", "in a row"),
    "elderly_age": lazy_pgettext("admin", "elderly age (ID card)"),
    "repeat": lazy_pgettext("admin", "repeat"),
    "template": lazy_pgettext("admin", "template"),
    "role": lazy_pgettext("admin", "role"),
    "display_name": lazy_pgettext("admin", "name shown"),
    "active": lazy_pgettext("admin", "active"),
    "counter": lazy_pgettext("admin", "counter"),
    "service": lazy_pgettext("admin", "service"),
    "from": lazy_pgettext("admin", "from"),
    "to": lazy_pgettext("admin", "to"),
    "was": lazy_pgettext("admin", "was"),
    "timezone": lazy_pgettext("admin", "time zone"),
    "shows": lazy_pgettext("admin", "shows"),
    "categories": lazy_pgettext("admin", "categories"),
    "guide": lazy_pgettext("admin", "what to bring"),
    "appointments": lazy_pgettext("admin", "bookings"),
    "slot_min": lazy_pgettext("admin", "slot (min)"),
    "per_slot": lazy_pgettext("admin", "visitors per slot"),
    "days_ahead": lazy_pgettext("admin", "days ahead"),
    "early_min": lazy_pgettext("admin", "check-in early (min)"),
    "grace_min": lazy_pgettext("admin", "check-in late (min)"),
    "answer_days": lazy_pgettext("admin", "answer delay (working days)"),
    "locked_until": lazy_pgettext("admin", "locked until"),
}
# An item's key names the entry's target (its code, number or id): it is not a changed field.
HIDDEN_FIELDS = {item.key for item in ALL_ITEMS if item.key} | {"signed_out"}


def _day_names(key: str) -> str:
    """The days a key of a weekly schedule stands for ("weekdays" -> "T2–T6")."""
    short = {
        "monday": pgettext("admin", "Mon"),
        "tuesday": pgettext("admin", "Tue"),
        "wednesday": pgettext("admin", "Wed"),
        "thursday": pgettext("admin", "Thu"),
        "friday": pgettext("admin", "Fri"),
        "saturday": pgettext("admin", "Sat"),
        "sunday": pgettext("admin", "Sun"),
    }
    if key == "weekdays":
        return f"{short['monday']}–{short['friday']}"
    return short.get(key, key)


def _day(text: str | None, default: date) -> tuple[date, bool]:
    try:
        return (date.fromisoformat(text), True) if text else (default, True)
    except ValueError:
        return default, False


@bp.get("/audit")
@page("admin.audit")
def audit() -> dict[str, Any]:
    database = get_db()
    zone = get_center(database).zone
    today = now().astimezone(zone).date()
    last, last_ok = _day(request.args.get("to"), today)
    first, first_ok = _day(request.args.get("from"), last - timedelta(days=DEFAULT_DAYS - 1))
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    first, last = min(first, last), max(first, last)
    start, end = days_to_range(zone, first, last)
    try:
        entries = list_entries(
            database,
            start=start,
            end=end,
            kind=kind,
            before=request.args.get("before") or None,
            limit=PAGE_SIZE,
        )
    except ValueError:  # a cursor edited by hand: start from the newest
        entries = list_entries(database, start=start, end=end, kind=kind, limit=PAGE_SIZE)
    return {
        "entries": [describe(entry, zone) for entry in entries],
        "filters": {"from": first.isoformat(), "to": last.isoformat(), "kind": kind or ""},
        "bad_date": not (first_ok and last_ok),
        "kinds": KIND_NAMES,
        "older": entries[-1].cursor if len(entries) == PAGE_SIZE else None,
    }


def describe(entry: AuditEntry, zone: Any) -> dict[str, Any]:
    """An entry as the page shows it: local time, the action in words, the changes in lines."""
    moment = parse_timestamp(entry.at).astimezone(zone)
    return {
        "time": moment.strftime("%H:%M:%S"),
        "day": moment.strftime("%d/%m/%Y"),
        "kind": entry.kind,
        "actor": entry.actor or "—",
        "action": ACTIONS.get(entry.action, entry.action),
        "target": entry.target or "",
        "changes": changes(entry),
        "reason": entry.reason or "",
    }


def changes(entry: AuditEntry) -> list[tuple[Any, str, str]]:
    """(field, before, after) lines: the fields that differ, or the ticket event's data."""
    details = entry.details or {}
    if entry.source == "ticket":
        return [
            (FIELDS.get(key, key), "", _shown(value))
            for key, value in details.items()
            if key not in ("out_of_order", "reason") and value is not None
        ]
    before, after = details.get("before"), details.get("after")
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [("", _shown(before), _shown(after))] if before != after else []
    created, removed = before is None, after is None
    before, after = before or {}, after or {}
    keys = [key for key in {**before, **after} if key not in HIDDEN_FIELDS]
    return [
        (
            FIELDS.get(key, key),
            "" if created else _shown(before.get(key), key),
            "" if removed else _shown(after.get(key), key),
        )
        for key in keys
        if before.get(key) != after.get(key)
    ]


def _shown(value: Any, key: str = "") -> str:
    if key == "hours" and not value:
        return str(pgettext("admin", "No limit"))
    if key == "hours" and isinstance(value, dict):
        return "; ".join(f"{_day_names(day)}: {_shown(spans)}" for day, spans in value.items())
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return pgettext("admin", "yes") if value else pgettext("admin", "no")
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        if "date" in value:
            return f"{value['date']} {value.get('name') or ''}".strip()
        if "code" in value:
            return f"{value['code']} ({value.get('name', '')})"
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return str(value)
