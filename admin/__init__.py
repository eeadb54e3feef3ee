"""The administration surface: the live monitor, reports, the center's configuration, staff
accounts and the audit log.

Pages are rendered on the server from core/ with what they show, for the signed-in user's role
(admins see everything; supervisors the live monitor, the reports and the audit log). A page's
little script sends the changes to the JSON API with fetch and the CSRF token, then reloads the
page, which is the truth (the monitor alone redraws itself from the API and the `/counter`
socket). Without a session a page shows the sign-in form instead, at the same address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_pgettext

from core import vocabulary
from core.center import get_center
from db.web import get_db

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

ADMIN = ("admin",)
SUPERVISORS = ("supervisor", "admin")


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    """The forms check what the API checks: patterns and choices from core.vocabulary."""
    return {
        "vocabulary": vocabulary,
        "id_pattern": vocabulary.html_pattern(vocabulary.ID),
        "service_code_pattern": vocabulary.html_pattern(vocabulary.SERVICE_CODE),
    }


class Section(NamedTuple):
    endpoint: str
    title: Any  # a lazy string: translated when the page renders
    roles: tuple[str, ...]


SECTIONS = (
    Section("admin.monitor", lazy_pgettext("admin", "Live monitor"), SUPERVISORS),
    Section("admin.reports", lazy_pgettext("admin", "Reports"), SUPERVISORS),
    Section("admin.staffing", lazy_pgettext("admin", "Staffing advice"), SUPERVISORS),
    Section("admin.simulate", lazy_pgettext("admin", "What if"), SUPERVISORS),
    Section("admin.feedback", lazy_pgettext("admin", "Suggestions and complaints"), SUPERVISORS),
    Section("admin.center", lazy_pgettext("admin", "Center"), ADMIN),
    Section("admin.departments", lazy_pgettext("admin", "Departments"), ADMIN),
    Section("admin.services", lazy_pgettext("admin", "Services and hours"), ADMIN),
    Section("admin.counters", lazy_pgettext("admin", "Counters"), ADMIN),
    Section("admin.kiosks", lazy_pgettext("admin", "Kiosks and printers"), ADMIN),
    Section("admin.displays", lazy_pgettext("admin", "Hall displays"), ADMIN),
    Section("admin.priority", lazy_pgettext("admin", "Priority"), ADMIN),
    Section("admin.announcement", lazy_pgettext("admin", "Announcements"), ADMIN),
    Section("admin.users", lazy_pgettext("admin", "Staff accounts"), ADMIN),
    Section("admin.tokens", lazy_pgettext("admin", "Integration tokens"), ADMIN),
    Section("admin.devices", lazy_pgettext("admin", "Devices"), ADMIN),
    Section("admin.audit", lazy_pgettext("admin", "Audit log"), SUPERVISORS),
)


def signed_in_user() -> Any:
    """The user of this request (session or token), or None."""
    from api.auth import current_user  # the one place that checks sessions

    return current_user()


def page(endpoint: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., Any]]:
    """Render a section's page for the roles allowed there; sign-in or refusal otherwise.

    The view returns the template's values; its template is `admin/<section>.html`.
    """
    section = next(s for s in SECTIONS if s.endpoint == endpoint)

    def decorate(view: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
        @wraps(view)
        def render(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = signed_in_user()
            common = {"center": get_center(get_db()), "section": section, "user": user}
            if user is None:
                return render_template("admin/sign_in.html", **common)
            allowed = [s for s in SECTIONS if user.role in s.roles]
            if user.role not in section.roles:
                return render_template("admin/refused.html", sections=allowed, **common), 403
            values = view(*args, **kwargs)
            template = f"admin/{endpoint.removeprefix('admin.')}.html"
            return render_template(template, sections=allowed, **common, **values)

        return render

    return decorate


@bp.app_template_filter("keyed")
def keyed(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Items by their key, for a page script that opens one of them in an edit dialog."""
    return {str(item[key]): item for item in items}


@bp.get("/")
def index() -> ResponseReturnValue:
    """The sign-in form; once signed in, the first section the user's role may open."""
    user = signed_in_user()
    if user is None:
        return render_template(
            "admin/sign_in.html", center=get_center(get_db()), section=SECTIONS[0], user=None
        )
    first = next((s for s in SECTIONS if user.role in s.roles), SECTIONS[0])
    return redirect(url_for(first.endpoint))


from admin import (  # noqa: E402,F401  (they add their views to bp)
    audit_page,
    devices_page,
    feedback_page,
    monitor_page,
    pages,
    reports_page,
    simulate_page,
    staffing_page,
)
