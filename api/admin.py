"""Administration under /api/admin: the center's configuration, staff accounts, the audit log.

Configuration and accounts need the admin role; supervisors may read the audit log. Every change
is one audited transaction in core.configuration; after its commit the screens hear of it:
queues (kiosks see services open or close) and, when names or layout changed, `configuration`
(displays and kiosks reload). This module holds the center-wide settings and the audit log;
admin_catalogue.py and admin_users.py hold the rest.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

import realtime
from api import bp
from api.admin_schemas import (
    AdminAnnouncement,
    AdminCenter,
    AdminHolidays,
    AdminPriorityCategories,
    AdminPriorityPolicy,
)
from api.auth import SUPERVISORS, current_user, require
from api.reports import FIRST_DAY, LAST_DAY
from api.validation import documented, parse
from core.audit import KINDS, MAX_PAGE_SIZE, PAGE_SIZE, days_to_range, latest_id, list_entries
from core.center import get_center, list_kiosks
from core.configuration import Change, settings
from core.configuration.catalogue import list_department_rows, list_service_rows
from core.configuration.displays import list_displays
from core.configuration.floor import list_counter_rows
from core.configuration.staff import list_users
from core.errors import InvalidInput
from core.schedule import list_holidays
from db.export import export_center
from db.web import get_db, now

ADMIN = "admin"
AUDIT_DAYS = 7
INVALID = {400: "invalid input", 401: "sign in first", 403: "admin only"}


def change(reason: str | None) -> Change:
    """Who acts, now, and why: the three things every audited change carries."""
    user = current_user()
    assert user is not None
    return Change(actor=user.username, now=now(), reason=reason)


def published(result: Any, *, layout: bool) -> ResponseReturnValue:
    """Answer a change after its commit; the screens hear the configuration changed (and reload
    when `layout`: names or what they show)."""
    from core.domain_events import configuration_changed

    event = configuration_changed(latest_id(get_db()), layout=layout, now=now())
    realtime.dispatch([event])
    return jsonify(result)


@bp.get("/admin/configuration")
@require(ADMIN)
@documented("The whole configuration, as the admin pages edit it", access=ADMIN, responses=INVALID)
def admin_configuration() -> ResponseReturnValue:
    database = get_db()
    return jsonify(
        center=settings.center_settings(database),
        departments=list_department_rows(database),
        services=list_service_rows(database),
        holidays=list_holidays(database),
        counters=list_counter_rows(database),
        kiosks=list_kiosks(database),
        displays=list_displays(database),
        priority=settings.priority_settings(database),
        announcement=settings.announcement_settings(database),
        version=latest_id(database),
    )


@bp.put("/admin/center")
@require(ADMIN)
@documented(
    "Rename the center; set its language, ticket footer, rating scale and dossier pattern",
    body=AdminCenter,
    access=ADMIN,
    responses=INVALID,
)
def admin_update_center() -> ResponseReturnValue:
    body = parse(AdminCenter)
    result = settings.update_center(
        get_db(), change(body.reason), **body.model_dump(exclude={"reason"}, exclude_unset=True)
    )
    return published(result, layout=True)


@bp.put("/admin/holidays")
@require(ADMIN)
@documented(
    "Replace the holidays: no service issues tickets on them",
    body=AdminHolidays,
    access=ADMIN,
    responses=INVALID,
)
def admin_set_holidays() -> ResponseReturnValue:
    body = parse(AdminHolidays)
    holidays = [holiday.model_dump() for holiday in body.holidays]
    return published(settings.set_holidays(get_db(), change(body.reason), holidays), layout=False)


@bp.put("/admin/priority/policy")
@require(ADMIN)
@documented(
    "Priority first always (strict), or at most N in a row; the ID card's elderly age",
    body=AdminPriorityPolicy,
    access=ADMIN,
    responses=INVALID,
)
def admin_priority_policy() -> ResponseReturnValue:
    body = parse(AdminPriorityPolicy)
    result = settings.set_priority_policy(
        get_db(),
        change(body.reason),
        policy=body.policy,
        max_in_row=body.max_in_row,
        elderly_age=body.elderly_age,
    )
    return published(result, layout=False)


@bp.put("/admin/priority/categories")
@require(ADMIN)
@documented(
    "Replace the priority categories the kiosks offer, in order",
    body=AdminPriorityCategories,
    access=ADMIN,
    responses={**INVALID, 409: "a category in use would go"},
)
def admin_priority_categories() -> ResponseReturnValue:
    body = parse(AdminPriorityCategories)
    categories = [category.model_dump() for category in body.categories]
    result = settings.set_priority_categories(get_db(), change(body.reason), categories)
    return published(result, layout=True)


@bp.put("/admin/announcement")
@require(ADMIN)
@documented(
    "How the hall display announces calls", body=AdminAnnouncement, access=ADMIN, responses=INVALID
)
def admin_announcement() -> ResponseReturnValue:
    from display.speech import parse_template  # the speech adapter's own check of a template

    body = parse(AdminAnnouncement)
    result = settings.update_announcement(
        get_db(),
        change(body.reason),
        language=body.language,
        repeat=body.repeat,
        template=body.template,
        check_template=lambda template: parse_template(template, body.language),
    )
    return published(result, layout=True)


@bp.get("/admin/center-file")
@require(ADMIN)
@documented(
    "The configuration as a center file (TOML), to keep or load elsewhere",
    access=ADMIN,
    responses=INVALID,
)
def admin_center_file() -> ResponseReturnValue:
    database = get_db()
    moment = now()
    day = moment.astimezone(get_center(database).zone).date().isoformat()
    return Response(
        export_center(database, now=moment),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="center-{day}.toml"'},
    )


@bp.get("/admin/users")
@require(ADMIN)
@documented("Every staff account", access=ADMIN, responses=INVALID)
def admin_list_users() -> ResponseReturnValue:
    return jsonify(list_users(get_db()))


@bp.get("/admin/audit")
@require(*SUPERVISORS)
@documented(
    "The audit log merged with audited ticket events, newest first"
    " (?from=&to= center days, kind=config|users|tickets|feedback, before=<cursor>, limit=)",
    access="supervisor",
    responses={
        200: "entries and the next page's cursor",
        400: "bad filter",
        401: "sign in",
        403: "supervisors",
    },
)
def admin_audit() -> ResponseReturnValue:
    database = get_db()
    zone = get_center(database).zone
    today = now().astimezone(zone).date()
    last = _day(request.args.get("to"), today)
    first = _day(request.args.get("from"), last - timedelta(days=AUDIT_DAYS - 1))
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}.")
    asked = request.args.get("limit", "")
    limit = min(max(int(asked), 1), MAX_PAGE_SIZE) if asked.isdigit() else PAGE_SIZE
    try:
        start, end = days_to_range(zone, first, last)
        entries = list_entries(
            database,
            start=start,
            end=end,
            kind=kind,
            before=request.args.get("before"),
            limit=limit,
        )
    except ValueError as error:
        raise InvalidInput(f"{str(error).capitalize()}.") from error
    return jsonify(
        entries=[entry.to_dict() for entry in entries],
        next=entries[-1].cursor if entries and len(entries) == limit else None,
        period={"from": first.isoformat(), "to": last.isoformat()},
    )


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(f"Dates are written YYYY-MM-DD, not {text!r}.") from error
    if not FIRST_DAY <= day <= LAST_DAY:  # 9999-12-31's next midnight is no datetime: a 500
        raise InvalidInput(f"Dates run from {FIRST_DAY} to {LAST_DAY}, not {text!r}.")
    return day


from api import admin_catalogue, admin_users  # noqa: E402,F401  (they add their routes to bp)
