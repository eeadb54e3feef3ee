"""The suggestion box for supervisors: the feedback of one status at a time (new first), each
with its age, the visitor's contact, the ticket it is tied to and that ticket's history, and a
form to answer it and set its status. The answer goes to POST /api/feedback/<code>/reply like
any page's change (admin.js's edit forms), and the page reloads to show what is stored.

Admins also set here how many working days a complaint may wait before the monitor flags it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import lazy_pgettext, pgettext

from admin import bp, page
from core.center import get_center, list_services
from core.configuration.settings import read_feedback_settings
from core.feedback_records import FeedbackStatus
from core.feedback_review import list_feedback, status_counts
from core.models import parse_timestamp
from db.web import get_db, now

STATUSES = {
    "new": lazy_pgettext("admin", "New"),
    "in_progress": lazy_pgettext("admin", "In progress"),
    "answered": lazy_pgettext("admin", "Answered"),
    "closed": lazy_pgettext("admin", "Settled"),  # "Closed" is said of counters (Đóng)
}
KINDS = {
    "suggestion": lazy_pgettext("admin", "Suggestion"),
    "complaint": lazy_pgettext("admin", "Complaint"),
    "praise": lazy_pgettext("admin", "Praise"),
}
# The ticket's history, in the words of the monitor's ticket card.
EVENTS = {
    "issued": lazy_pgettext("admin", "issued"),
    "called": lazy_pgettext("admin", "called"),
    "recalled": lazy_pgettext("admin", "called again"),
    "started": lazy_pgettext("admin", "service started"),
    "finished": lazy_pgettext("admin", "finished"),
    "no_show": lazy_pgettext("admin", "did not come"),
    "returned": lazy_pgettext("admin", "returned to the queue"),
    "transferred": lazy_pgettext("admin", "transferred"),
    "cancelled": lazy_pgettext("admin", "cancelled"),
    "reactivated": lazy_pgettext("admin", "put back in the queue"),
    "prioritised": lazy_pgettext("admin", "priority changed"),
}


@bp.get("/feedback")
@page("admin.feedback")
def feedback() -> dict[str, Any]:
    database = get_db()
    status = request.args.get("status", "new")
    if status not in tuple(FeedbackStatus):
        status = "new"
    moment = now()
    zone = get_center(database).zone
    items = list_feedback(database, now=moment, status=status)
    for item in items:
        item["age"] = age_text(item["age_s"])
        item["created"] = local_time(item["created_at"], zone)
        item["replied"] = local_time(item["replied_at"], zone) if item["replied_at"] else None
        item["due_day"] = (
            date.fromisoformat(item["due"]).strftime("%d/%m/%Y") if item["due"] else None
        )
        for event in item["ticket_history"] or []:
            event["time"] = local_time(event["at"], zone)
    return {
        "status": status,
        "statuses": STATUSES,
        "kinds": KINDS,
        "events": EVENTS,
        "counts": status_counts(database),
        "items": items,
        "service_names": {service.code: service.name for service in list_services(database)},
        "answer_days": read_feedback_settings(database).answer_days,
    }


def age_text(seconds: int) -> str:
    """How long ago, in the unit a supervisor reads at a glance: minutes, hours or days."""
    if seconds < 3600:
        return pgettext("admin", "%(n)s min", n=max(1, seconds // 60))
    if seconds < 2 * 86400:
        return pgettext("admin", "%(n)s h", n=seconds // 3600)
    return pgettext("admin", "%(n)s days", n=seconds // 86400)


def local_time(text: str, zone: Any) -> str:
    moment: datetime = parse_timestamp(text).astimezone(zone)
    return moment.strftime("%d/%m/%Y %H:%M")
