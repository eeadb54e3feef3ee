"""Administration of staff accounts: create, switch off or on, reset a password, change a role,
the name shown over the counter or the services the account may serve.

Admin only. A reset password or a switched-off account is signed out everywhere at once, its
open sockets (counter screens) closed; nobody can switch off or demote their own account, or the
last active admin. A name locked by wrong passwords (lockouts.py) can be unlocked here, and so can
an address locked for every name.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.admin import ADMIN, INVALID, change, published
from api.admin_schemas import (
    AdminAddressUnlock,
    AdminChange,
    AdminUser,
    AdminUserActive,
    AdminUserName,
    AdminUserPassword,
    AdminUserRole,
    AdminUserServices,
)
from api.auth import require
from api.session import close_ended_sockets
from api.validation import documented, parse
from core.configuration import skills, staff
from core.models import timestamp
from core.users import get_user
from db.web import get_db, now
from lockouts import login_throttle

CHANGED = {**INVALID, 404: "no such user", 409: "yourself, the last admin, or exists already"}


@bp.post("/admin/users")
@require(ADMIN)
@documented("Create a staff account", body=AdminUser, access=ADMIN, responses=CHANGED)
def admin_create_user() -> ResponseReturnValue:
    body = parse(AdminUser)
    account = staff.add_user(
        get_db(),
        change(body.reason),
        username=body.username,
        role=body.role,
        password=body.password,
        display_name=body.display_name,
    )
    return jsonify(account), 201


@bp.put("/admin/users/<username>/name")
@require(ADMIN)
@documented(
    "Set the name shown over the counter the account works at (public: the counter screen)",
    body=AdminUserName,
    access=ADMIN,
    responses=CHANGED,
)
def admin_user_name(username: str) -> ResponseReturnValue:
    body = parse(AdminUserName)
    account = staff.set_display_name(get_db(), change(body.reason), username, body.display_name)
    return published(account, layout=False)  # the counter screens show the new name


@bp.put("/admin/users/<username>/services")
@require(ADMIN)
@documented(
    "Set the services the account may serve (the rebalancing advisor moves clerks by them)",
    body=AdminUserServices,
    access=ADMIN,
    responses={
        **INVALID,
        200: "{username, services}",
        400: "invalid, or unknown_service",
        404: "no such user",
    },
)
def admin_user_services(username: str) -> ResponseReturnValue:
    body = parse(AdminUserServices)
    return jsonify(skills.set_user_services(get_db(), change(body.reason), username, body))


@bp.put("/admin/users/<username>/role")
@require(ADMIN)
@documented("Change an account's role", body=AdminUserRole, access=ADMIN, responses=CHANGED)
def admin_user_role(username: str) -> ResponseReturnValue:
    body = parse(AdminUserRole)
    return jsonify(staff.change_role(get_db(), change(body.reason), username, body.role))


@bp.put("/admin/users/<username>/active")
@require(ADMIN)
@documented(
    "Switch an account off (signed out at once) or on",
    body=AdminUserActive,
    access=ADMIN,
    responses=CHANGED,
)
def admin_user_active(username: str) -> ResponseReturnValue:
    body = parse(AdminUserActive)
    account = staff.set_user_active(get_db(), change(body.reason), username, body.active)
    close_ended_sockets()
    return jsonify(account)


@bp.post("/admin/users/<username>/password")
@require(ADMIN)
@documented(
    "Set a new password; the account is signed out everywhere",
    body=AdminUserPassword,
    access=ADMIN,
    responses=CHANGED,
)
def admin_user_password(username: str) -> ResponseReturnValue:
    body = parse(AdminUserPassword)
    account = staff.reset_password(get_db(), change(body.reason), username, body.password)
    close_ended_sockets()
    return jsonify(account)


@bp.get("/admin/lockouts")
@require(ADMIN)
@documented(
    "Sign-in lockouts in force: names locked from an address, and addresses locked",
    access=ADMIN,
    responses={200: "the locks", 401: "sign in first", 403: "admin only"},
)
def admin_lockouts() -> ResponseReturnValue:
    return jsonify(
        [
            {
                "username": lock.username,
                "address": lock.address,
                "locked_for_s": lock.locked_for_s,
                "locked_until": timestamp(lock.locked_until),
            }
            for lock in login_throttle().locks(now())
        ]
    )


@bp.post("/admin/lockouts/unlock")
@require(ADMIN)
@documented(
    "Lift an address's sign-in lockout for every name (audited); its names' locks stay",
    body=AdminAddressUnlock,
    access=ADMIN,
    responses={**INVALID, 200: "unlocked (or it held no lock)"},
)
def admin_address_unlock() -> ResponseReturnValue:
    body = parse(AdminAddressUnlock)
    ended = login_throttle().unlock_address(body.address, now())
    locked_until = None if ended is None else timestamp(ended)
    staff.note_address_unlock(get_db(), change(body.reason), body.address, locked_until)
    return jsonify(address=body.address, was_locked=ended is not None, locked_until=locked_until)


@bp.post("/admin/users/<username>/unlock")
@require(ADMIN)
@documented(
    "Lift a name's sign-in lockouts from every address (audited)",
    body=AdminChange,
    access=ADMIN,
    responses={**INVALID, 200: "unlocked", 404: "no such user"},
)
def admin_user_unlock(username: str) -> ResponseReturnValue:
    body = parse(AdminChange)
    get_user(get_db(), username)  # an unknown name: 404 before any lock is touched
    locked_from = login_throttle().unlock(username)
    staff.note_unlock(get_db(), change(body.reason), username, locked_from)
    return jsonify(username=username, unlocked_from=locked_from)
