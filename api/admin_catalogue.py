"""Administration of what the center offers and where: departments, services, counters, kiosks,
hall displays.

Admin only. Names and layout changes reach the hall displays and kiosks as `configuration`
(they reload); every change also pushes the queues, since services open, close or move.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from api import bp
from api.admin import ADMIN, INVALID, change, published
from api.admin_schemas import (
    AdminChange,
    AdminCounter,
    AdminCounterUpdate,
    AdminDepartment,
    AdminDepartmentUpdate,
    AdminDisplay,
    AdminDisplayUpdate,
    AdminKiosk,
    AdminKioskUpdate,
    AdminOrder,
    AdminService,
    AdminServiceEnabled,
    AdminServiceUpdate,
)
from api.auth import require
from api.validation import documented, parse
from core.configuration import catalogue, displays, floor, ordering
from db.web import get_db

CHANGED = {**INVALID, 404: "no such item", 409: "in use, or exists already"}
ORDERED = {**INVALID, 400: "not the current items, each once (reload the list)"}
REASON_ONLY = {"reason"}


def _printer_check(url: str) -> object:
    """The printer adapter's URL parser: a mistyped URL is refused now, not at the first ticket."""
    from kiosk.printer_url import parse_printer_url

    return parse_printer_url(url)


@bp.post("/admin/departments")
@require(ADMIN)
@documented("Add a department", body=AdminDepartment, access=ADMIN, responses=CHANGED)
def admin_add_department() -> ResponseReturnValue:
    body = parse(AdminDepartment)
    result = catalogue.add_department(
        get_db(), change(body.reason), code=body.code, name=body.name, name_en=body.name_en
    )
    return published(result, layout=True)


@bp.put("/admin/department-order")
@require(ADMIN)
@documented(
    "Set the order the kiosks list the departments in",
    body=AdminOrder,
    access=ADMIN,
    responses=ORDERED,
)
def admin_order_departments() -> ResponseReturnValue:
    body = parse(AdminOrder)
    result = ordering.order_departments(get_db(), body.codes, change(body.reason))
    return published(result, layout=True)


@bp.put("/admin/departments/<code>/service-order")
@require(ADMIN)
@documented(
    "Set the order the kiosks list a department's services in",
    body=AdminOrder,
    access=ADMIN,
    responses={**ORDERED, 404: "no such department"},
)
def admin_order_services(code: str) -> ResponseReturnValue:
    body = parse(AdminOrder)
    result = ordering.order_services(get_db(), code, body.codes, change(body.reason))
    return published(result, layout=True)


@bp.put("/admin/departments/<code>")
@require(ADMIN)
@documented("Rename a department", body=AdminDepartmentUpdate, access=ADMIN, responses=CHANGED)
def admin_update_department(code: str) -> ResponseReturnValue:
    body = parse(AdminDepartmentUpdate)
    result = catalogue.update_department(
        get_db(), change(body.reason), code, name=body.name, name_en=body.name_en
    )
    return published(result, layout=True)


@bp.delete("/admin/departments/<code>")
@require(ADMIN)
@documented(
    "Remove a department that has no service", body=AdminChange, access=ADMIN, responses=CHANGED
)
def admin_remove_department(code: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    catalogue.remove_department(get_db(), change(body.reason), code)
    return published({"removed": code}, layout=True)


@bp.post("/admin/services")
@require(ADMIN)
@documented(
    "Add a service (offered at once when enabled)",
    body=AdminService,
    access=ADMIN,
    responses=CHANGED,
)
def admin_add_service() -> ResponseReturnValue:
    body = parse(AdminService)
    values = body.model_dump(exclude=REASON_ONLY)
    return published(catalogue.add_service(get_db(), change(body.reason), **values), layout=True)


@bp.put("/admin/services/<code>")
@require(ADMIN)
@documented(
    "Change a service: names, department, target wait, daily quota, weekly hours",
    body=AdminServiceUpdate,
    access=ADMIN,
    responses=CHANGED,
)
def admin_update_service(code: str) -> ResponseReturnValue:
    body = parse(AdminServiceUpdate)
    values = body.model_dump(exclude=REASON_ONLY)
    result = catalogue.update_service(get_db(), change(body.reason), code, **values)
    return published(result, layout=True)


@bp.put("/admin/services/<code>/enabled")
@require(ADMIN)
@documented(
    "Switch a service on or off now", body=AdminServiceEnabled, access=ADMIN, responses=CHANGED
)
def admin_enable_service(code: str) -> ResponseReturnValue:
    body = parse(AdminServiceEnabled)
    result = catalogue.set_service_enabled(get_db(), change(body.reason), code, body.enabled)
    return published(result, layout=True)


@bp.delete("/admin/services/<code>")
@require(ADMIN)
@documented(
    "Remove a service that never issued a ticket and no counter serves",
    body=AdminChange,
    access=ADMIN,
    responses=CHANGED,
)
def admin_remove_service(code: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    catalogue.remove_service(get_db(), change(body.reason), code)
    return published({"removed": code}, layout=True)


@bp.post("/admin/counters")
@require(ADMIN)
@documented(
    "Add a counter with the services it calls", body=AdminCounter, access=ADMIN, responses=CHANGED
)
def admin_add_counter() -> ResponseReturnValue:
    body = parse(AdminCounter)
    result = floor.add_counter(
        get_db(), change(body.reason), number=body.number, name=body.name, services=body.services
    )
    return published(result, layout=True)


@bp.put("/admin/counters/<int:number>")
@require(ADMIN)
@documented(
    "Rename a counter; set the services it calls, in order",
    body=AdminCounterUpdate,
    access=ADMIN,
    responses=CHANGED,
)
def admin_update_counter(number: int) -> ResponseReturnValue:
    body = parse(AdminCounterUpdate)
    result = floor.update_counter(
        get_db(), change(body.reason), number, name=body.name, services=body.services
    )
    return published(result, layout=True)


@bp.delete("/admin/counters/<int:number>")
@require(ADMIN)
@documented(
    "Remove a counter that was never used", body=AdminChange, access=ADMIN, responses=CHANGED
)
def admin_remove_counter(number: int) -> ResponseReturnValue:
    body = parse(AdminChange)
    floor.remove_counter(get_db(), change(body.reason), number)
    return published({"removed": number}, layout=True)


@bp.post("/admin/kiosks")
@require(ADMIN)
@documented("Add a kiosk and its printer", body=AdminKiosk, access=ADMIN, responses=CHANGED)
def admin_add_kiosk() -> ResponseReturnValue:
    body = parse(AdminKiosk)
    values = body.model_dump(exclude=REASON_ONLY)
    result = floor.add_kiosk(get_db(), change(body.reason), check_printer=_printer_check, **values)
    return published(result, layout=True)


@bp.put("/admin/kiosks/<kiosk_id>")
@require(ADMIN)
@documented(
    "Rename a kiosk; change its printer or paper",
    body=AdminKioskUpdate,
    access=ADMIN,
    responses=CHANGED,
)
def admin_update_kiosk(kiosk_id: str) -> ResponseReturnValue:
    body = parse(AdminKioskUpdate)
    values = body.model_dump(exclude=REASON_ONLY)
    result = floor.update_kiosk(
        get_db(), change(body.reason), kiosk_id, check_printer=_printer_check, **values
    )
    return published(result, layout=True)


@bp.delete("/admin/kiosks/<kiosk_id>")
@require(ADMIN)
@documented("Forget a kiosk", body=AdminChange, access=ADMIN, responses=CHANGED)
def admin_remove_kiosk(kiosk_id: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    floor.remove_kiosk(get_db(), change(body.reason), kiosk_id)
    return published({"removed": kiosk_id}, layout=True)


@bp.post("/admin/displays")
@require(ADMIN)
@documented(
    "Add a hall display: the whole hall, some counters or some departments",
    body=AdminDisplay,
    access=ADMIN,
    responses=CHANGED,
)
def admin_add_display() -> ResponseReturnValue:
    body = parse(AdminDisplay)
    values = body.model_dump(exclude=REASON_ONLY)
    return published(displays.add_display(get_db(), change(body.reason), **values), layout=True)


@bp.put("/admin/displays/<display_id>")
@require(ADMIN)
@documented(
    "Rename a hall display; change what it shows",
    body=AdminDisplayUpdate,
    access=ADMIN,
    responses=CHANGED,
)
def admin_update_display(display_id: str) -> ResponseReturnValue:
    body = parse(AdminDisplayUpdate)
    values = body.model_dump(exclude=REASON_ONLY)
    result = displays.update_display(get_db(), change(body.reason), display_id, **values)
    return published(result, layout=True)


@bp.delete("/admin/displays/<display_id>")
@require(ADMIN)
@documented("Forget a hall display", body=AdminChange, access=ADMIN, responses=CHANGED)
def admin_remove_display(display_id: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    displays.remove_display(get_db(), change(body.reason), display_id)
    return published({"removed": display_id}, layout=True)
