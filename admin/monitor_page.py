"""The live monitor: every counter and every queue of the hall, for supervisors on the floor.

The page carries the names; monitor.js reads GET /api/counters and GET /api/queues, and reads
them again whenever the `/counter` socket pushes a change (coalesced), so it stays live without
polling. The supervisor's acts (move a clerk, close a counter, find a ticket and cancel,
reactivate or re-prioritise it) go to the JSON API like every other page's. A low rating shows
at once (low_ratings.js, from the `low_rating` push only supervisors' sockets hear).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from admin import bp, page
from core.center import get_center, list_priority_categories, list_services
from core.feedback_review import overdue_complaints
from db.web import get_db, now


@bp.get("/monitor")
@page("admin.monitor")
def monitor() -> dict[str, Any]:
    database = get_db()
    english = str(get_locale()) == "en"
    return {
        "service_names": {
            service.code: (service.name_en if english and service.name_en else service.name)
            for service in list_services(database)
        },
        "priority_names": {
            row["code"]: (row["name_en"] if english and row["name_en"] else row["name"])
            for row in list_priority_categories(database)
        },
        "overdue_complaints": overdue_complaints(database, now=now()),
        "center_scale": get_center(database).rating_scale,
    }
