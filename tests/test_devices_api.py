"""Paired devices through the API and the sockets: pairing by code from the admin pages, revoking
(the next request refused, the sockets closed), the rating tablet's rights, printing only from
the paired kiosk, and rate limits per device."""

from __future__ import annotations

from typing import Any

import pytest

from db import connect
from realtime import socketio
from tests.conftest import sign_in
from tests.helpers.paired import HEADER, pair, tablet_socket
from tests.helpers.pushes import pushed, received_until


@pytest.fixture
def kiosks(app: Any) -> None:
    """Two kiosks with a printer each (escpos' Dummy: the bytes stay in memory)."""
    database = connect(app.config["DATABASE"])
    for kiosk in ("k1", "k2"):
        database.execute(
            "INSERT INTO kiosks (id, name, printer, paper) VALUES (?, ?, 'dummy:', '80mm')",
            [kiosk, f"Kiosk {kiosk}"],
        )
    database.conn.close()


def finish_at(app: Any, number: int = 1, clerk: str = "an") -> int:
    """A clerk serves one ticket at a counter; answer the finished ticket's id."""
    client = app.test_client()
    headers = sign_in(client, clerk)
    client.post(f"/api/counters/{number}/open", headers=headers)
    client.post("/api/tickets", json={"service": "A"})
    assert client.post(f"/api/counters/{number}/next", headers=headers).status_code == 200
    answer = client.post(f"/api/counters/{number}/finish", headers=headers)
    assert answer.status_code == 200
    return int(answer.json["ticket"]["id"])


def rate(app: Any, ticket: int, token: str | None = None) -> tuple[int, str]:
    headers = {HEADER: token} if token else {}
    answer = app.test_client().post(
        "/api/ratings", json={"ticket": ticket, "score": 4}, headers=headers
    )
    return answer.status_code, (answer.json or {}).get("error", "")


# ---- pairing from the admin pages ---------------------------------------------------------


def test_a_device_shows_a_code_the_admin_enters_and_is_then_known_by_its_token(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    device = app.test_client()
    asked = device.post("/api/devices/pairing")
    assert asked.status_code == 201
    code, token = asked.json["code"], asked.json["token"]
    waiting = device.get("/api/devices/me", headers={HEADER: token})
    assert waiting.json == {
        "status": "pending",
        "code": code,
        "expires_at": asked.json["expires_at"],
    }

    answer = client.post(
        "/api/admin/devices",
        json={"code": code, "kind": "tablet", "target": "2", "name": "Tablet quầy 2"},
        headers=admin,
    )
    assert answer.status_code == 201
    paired = {"id": answer.json["id"], "kind": "tablet", "target": "2", "name": "Tablet quầy 2"}
    assert device.get("/api/devices/me", headers={HEADER: token}).json == {
        "status": "paired",
        "device": paired,
    }
    listed = client.get("/api/admin/devices", headers=admin).json
    assert [(row["id"], row["kind"], row["target"], row["connected"]) for row in listed] == [
        (paired["id"], "tablet", "2", False)
    ]
    assert listed[0]["paired_by"] == "root" and listed[0]["last_seen"] is not None
    assert "token" not in listed[0] and "token_hash" not in listed[0]

    again = client.post(
        "/api/admin/devices", json={"code": code, "kind": "tablet", "target": "2"}, headers=admin
    )
    assert (again.status_code, again.json["error"]) == (404, "unknown_code")


def test_only_an_admin_pairs_or_revokes(app: Any, client: Any) -> None:
    code = app.test_client().post("/api/devices/pairing").json["code"]
    headers = sign_in(client, "chi")  # a supervisor
    body = {"code": code, "kind": "tablet", "target": "1"}
    assert client.post("/api/admin/devices", json=body, headers=headers).status_code == 403
    assert client.get("/api/admin/devices").status_code == 403
    assert app.test_client().post("/api/admin/devices", json=body).status_code == 401


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"kind": "tablet", "target": "9"}, "bad_target"),
        ({"kind": "kiosk", "target": "k1"}, "bad_target"),  # this center has no kiosk
        ({"kind": "robot", "target": "1"}, "invalid"),
        ({"kind": "tablet", "target": "1", "name": "x" * 101}, "invalid"),
    ],
)
def test_pairing_for_something_the_center_lacks_is_a_400_that_keeps_the_code(
    app: Any, client: Any, admin: dict[str, str], body: dict[str, Any], error: str
) -> None:
    code = app.test_client().post("/api/devices/pairing").json["code"]
    answer = client.post("/api/admin/devices", json={"code": code, **body}, headers=admin)
    assert (answer.status_code, answer.json["error"]) == (400, error)
    good = client.post(
        "/api/admin/devices", json={"code": code, "kind": "tablet", "target": "1"}, headers=admin
    )
    assert good.status_code == 201


def test_a_device_with_no_or_an_unknown_token_is_told_to_pair(app: Any) -> None:
    device = app.test_client()
    for headers in ({}, {HEADER: "not-a-token"}):
        answer = device.get("/api/devices/me", headers=headers)
        assert (answer.status_code, answer.json["error"]) == (401, "unpaired")


def test_one_address_holds_a_few_codes_and_another_still_pairs(
    database_path: Any, clock: Any
) -> None:
    """Was: one script asking 200 codes blocked every new pairing in the center for 10 minutes."""
    from core.center import load_center
    from core.configuration import Change
    from core.configuration.devices import pair_device
    from server import create_app
    from tests.conftest import SMALL_CENTER

    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(database_path),
            "TICKET_RATE_LIMIT": "100/minute",
            "PAIRING_ADDRESS_LIMIT": 3,
        }
    )
    app.extensions["qms.clock"] = clock
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    script, tablet = app.test_client(), app.test_client()
    script.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    tablet.environ_base["REMOTE_ADDR"] = "10.0.0.20"
    codes = []
    for _ in range(3):
        asked = script.post("/api/devices/pairing")
        assert asked.status_code == 201
        codes.append(asked.json["code"])
        clock.advance(minutes=1)

    refused = script.post("/api/devices/pairing")

    assert (refused.status_code, refused.json["error"]) == (429, "too_many_pairings_here")
    assert "pairing codes waiting" in refused.json["message"]
    assert refused.headers["Retry-After"] == "420"  # the first code lapses 10 minutes after 0:00
    assert tablet.post("/api/devices/pairing").status_code == 201
    pair_device(
        database, Change("root", clock()), code=codes[0], kind="tablet", target="1", name=None
    )
    assert script.post("/api/devices/pairing").status_code == 201  # a code entered frees its place
    assert script.post("/api/devices/pairing").status_code == 429
    clock.advance(minutes=8)  # the second code (asked at 0:01) has lapsed
    assert script.post("/api/devices/pairing").status_code == 201
    database.conn.close()


def test_a_pairing_limit_that_is_no_whole_number_stops_the_server(database_path: Any) -> None:
    from server import create_app

    for value in ("lots", 0, "-1"):
        with pytest.raises(ValueError, match="QMS_PAIRING_ADDRESS_LIMIT"):
            create_app(
                {"TESTING": True, "DATABASE": str(database_path), "PAIRING_ADDRESS_LIMIT": value}
            )


# ---- the rating tablet ----------------------------------------------------------------------


def test_a_rating_needs_the_tablet_paired_with_the_tickets_counter(app: Any) -> None:
    ticket = finish_at(app, 1)
    other_counter = pair(app, "tablet", 2)
    a_kiosk_screen = pair(app, "display", None)
    assert rate(app, ticket) == (403, "not_paired")
    assert rate(app, ticket, "made-up") == (403, "not_paired")
    assert rate(app, ticket, a_kiosk_screen) == (403, "not_paired")
    assert rate(app, ticket, other_counter) == (403, "other_counter")
    database = connect(app.config["DATABASE"])
    assert database.execute("SELECT count(*) FROM ratings").fetchone() == (0,)
    database.conn.close()
    assert rate(app, ticket, pair(app, "tablet", 1)) == (201, "")


def test_the_rate_push_reaches_only_the_tablet_paired_with_that_counter(app: Any) -> None:
    stranger = socketio.test_client(app, namespace="/rating", query_string="counter=1")
    assert not stranger.is_connected("/rating")
    token = pair(app, "tablet", 1)
    tablet = tablet_socket(app, 1, token)
    elsewhere = tablet_socket(app, 2)
    ticket = finish_at(app, 1)
    assert pushed(tablet, "/rating", "rate") == [{"ticket": ticket, "label": "A001"}]
    later = finish_at(app, 2, clerk="binh")
    events = received_until(elsewhere, "/rating", "rate")
    assert [event["args"][0]["ticket"] for event in events if event["name"] == "rate"] == [later]


# ---- revoking -------------------------------------------------------------------------------


def test_revoking_refuses_the_next_request_and_closes_the_devices_sockets(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    token = pair(app, "tablet", 1)
    tablet = tablet_socket(app, 1, token)
    second = tablet_socket(app, 1, token)  # the same tablet, reloaded in another tab
    kept = tablet_socket(app, 1)  # another device: untouched
    listed = client.get("/api/admin/devices", headers=admin).json
    connected = {row["id"]: row["connected"] for row in listed}
    assert list(connected.values()) == [True, True]
    revoked = listed[0]["id"]

    answer = client.delete(f"/api/admin/devices/{revoked}", json={"reason": "lost"}, headers=admin)
    assert answer.status_code == 204
    assert not tablet.is_connected("/rating") and not second.is_connected("/rating")
    assert kept.is_connected("/rating")
    assert not tablet_socket(app, 1, token).is_connected("/rating")
    assert rate(app, finish_at(app, 1), token) == (403, "not_paired")
    me = app.test_client().get("/api/devices/me", headers={HEADER: token})
    assert (me.status_code, me.json["error"]) == (401, "unpaired")
    assert [row["id"] for row in client.get("/api/admin/devices", headers=admin).json] == [
        listed[1]["id"]
    ]
    gone = client.delete(f"/api/admin/devices/{revoked}", json={}, headers=admin)
    assert gone.status_code == 404


def test_a_display_works_unpaired_but_not_with_a_revoked_token(app: Any) -> None:
    assert socketio.test_client(app, namespace="/display").is_connected("/display")
    token = pair(app, "display", None)
    display = socketio.test_client(app, namespace="/display", auth={"device": token})
    assert display.is_connected("/display")
    refused = socketio.test_client(app, namespace="/display", auth={"device": "revoked-one"})
    assert not refused.is_connected("/display")
    # a device still showing its code is an unpaired screen meanwhile, not a refused one
    waiting = app.test_client().post("/api/devices/pairing").json["token"]
    pending = socketio.test_client(app, namespace="/display", auth={"device": waiting})
    assert pending.is_connected("/display")
    pending_tablet = tablet_socket(app, 1, waiting)
    assert not pending_tablet.is_connected("/rating")


# ---- the kiosk's paper ----------------------------------------------------------------------


def ticket(app: Any, kiosk: str | None, token: str | None = None) -> dict[str, Any]:
    body = {"service": "A"} | ({"kiosk": kiosk} if kiosk else {})
    answer = app.test_client().post(
        "/api/tickets", json=body, headers={HEADER: token} if token else {}
    )
    assert answer.status_code == 201  # never lost, printed or not
    return dict(answer.json)


def test_a_ticket_prints_only_for_the_kiosk_paired_as_the_one_it_names(
    app: Any, kiosks: None
) -> None:
    k1, k2 = pair(app, "kiosk", "k1"), pair(app, "kiosk", "k2")
    assert ticket(app, "k1")["print"] == {"status": "skipped", "reason": "kiosk_not_paired"}
    paperless = app.test_client().post(
        "/api/tickets", json={"service": "A", "kiosk": "k1", "paper": False}
    )
    assert paperless.json["print"] == {"status": "skipped", "reason": "no_paper_requested"}
    assert ticket(app, "k1", k2)["print"] == {"status": "skipped", "reason": "kiosk_not_paired"}
    assert ticket(app, "k1", "made-up")["print"]["reason"] == "kiosk_not_paired"
    assert ticket(app, "k1", k1)["print"]["status"] == "printed"
    assert ticket(app, None, k1)["print"]["status"] == "printed"  # its own kiosk by default
    database = connect(app.config["DATABASE"])
    kiosks_of = database.execute("SELECT kiosk FROM tickets ORDER BY id").fetchall()
    printed = database.execute("SELECT ticket, kiosk FROM print_jobs").fetchall()
    database.conn.close()
    assert [row[0] for row in kiosks_of] == ["k1"] * 6
    assert printed == [(5, "k1"), (6, "k1")]


def test_paired_kiosks_behind_one_address_are_limited_each_by_itself(database_path: Any) -> None:
    from core.center import load_center
    from server import create_app
    from tests.conftest import SMALL_CENTER

    app = create_app(
        {"TESTING": True, "DATABASE": str(database_path), "TICKET_RATE_LIMIT": "2/minute"}
    )
    database = connect(database_path)
    load_center(database, {**SMALL_CENTER, "kiosks": [{"id": "k1"}, {"id": "k2"}]})
    database.conn.close()
    first, second = pair(app, "kiosk", "k1"), pair(app, "kiosk", "k2")

    def status(token: str | None) -> int:
        headers = {HEADER: token} if token else {}
        return int(
            app.test_client()
            .post("/api/tickets", json={"service": "A"}, headers=headers)
            .status_code
        )

    assert [status(first), status(first), status(first)] == [201, 201, 429]
    assert [status(second), status(second), status(second)] == [201, 201, 429]
    assert [status(None), status(None), status(None)] == [201, 201, 429]
    assert status("made-up") == 429  # an unknown token counts as its address


# ---- the admin page -------------------------------------------------------------------------


def test_the_devices_page_lists_each_device_with_its_presence_and_a_revoke_button(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    token = pair(app, "tablet", 2, name="Tablet quầy 2")
    pair(app, "display", None, name="TV sảnh")
    tablet = tablet_socket(app, 2, token)
    html = client.get("/admin/devices?lang=vi").get_data(as_text=True)
    assert "Tablet quầy 2" in html and "TV sảnh" in html and "Toàn bộ sảnh" in html
    assert html.count('data-connected="true"') == 1 and html.count('data-connected="false"') == 1
    assert html.count('data-action-url="/api/admin/devices/') == 2
    assert 'data-create-url="/api/admin/devices"' in html
    assert "/admin/static/devices.js" in html
    tablet.disconnect(namespace="/rating")
    html = client.get("/admin/devices").get_data(as_text=True)
    assert html.count('data-connected="true"') == 0
    supervisor = app.test_client()
    sign_in(supervisor, "chi")
    assert supervisor.get("/admin/devices").status_code == 403
