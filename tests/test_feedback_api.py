"""The suggestion box through the real app: a visitor's feedback end to end (the public answers
never show the contact), the supervisors' list and answers with their audit rows, refusals of
bad input, the per-address limits, the pages and the purge command."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.audit import list_entries
from db import connect
from harness.server import flask_command
from tests.conftest import SMALL_CENTER, Clock, sign_in
from tests.helpers.pages import assert_no_inline_code, render

CONTACT = "0912 345 678"
SCRIPT = "<script>alert('x')</script> Quầy 1 làm việc chậm"


def ticket_token(client: Any) -> str:
    issued = client.post("/api/tickets", json={"service": "A"})
    assert issued.status_code == 201
    return str(issued.json["track_url"].rsplit("/", 1)[1])


def give(client: Any, **body: Any) -> Any:
    return client.post("/api/feedback", json={"kind": "complaint", "text": SCRIPT, **body})


def test_feedback_end_to_end_and_the_public_never_sees_the_contact(
    app: Any, client: Any, clock: Clock
) -> None:
    token = ticket_token(client)

    given = give(client, contact=CONTACT, ticket_token=token)

    assert given.status_code == 201
    code = given.json["code"]
    assert given.json == {"code": code, "status": "new"}
    public = client.get(f"/api/feedback/{code}")
    assert public.json == {
        "code": code,
        "kind": "complaint",
        "status": "new",
        "created_at": "2026-11-30T01:00:00.000+00:00",
    }
    follow_page = client.get(f"/feedback/{code}").text
    for private in (CONTACT, "Quầy 1 làm việc chậm", "A001"):
        assert private not in public.text and private not in follow_page

    headers = sign_in(client, "chi")
    listed = client.get("/api/feedback?status=new").json
    assert [(item["code"], item["contact"], item["ticket"]) for item in listed] == [
        (code, CONTACT, "A001")
    ]
    assert [event["kind"] for event in listed[0]["ticket_history"]] == ["issued"]
    clock.advance(hours=2)
    reply = "Cảm ơn quý công dân, <b>đã</b> mở thêm quầy."
    answered = client.post(
        f"/api/feedback/{code}/reply", json={"reply": reply, "status": "answered"}, headers=headers
    )
    assert answered.status_code == 200

    client.delete("/api/session", headers=headers)
    public = client.get(f"/api/feedback/{code}").json
    assert (public["status"], public["reply"]) == ("answered", reply)
    assert public["replied_at"] == "2026-11-30T03:00:00.000+00:00"
    assert CONTACT not in str(public)
    database = connect(app.config["DATABASE"])
    entry = list_entries(database)[0]
    assert (entry.actor, entry.action, entry.target) == ("chi", "feedback.reply", code)
    database.conn.close()


def test_supervisors_see_the_list_escaped_and_the_ticket_s_history(client: Any) -> None:
    token = ticket_token(client)
    code = give(client, contact=CONTACT, ticket_token=token).json["code"]
    sign_in(client, "chi")

    html, page = render(client, "/admin/feedback?lang=en")

    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert CONTACT in html and "history</summary>" in html
    assert page.first("form", **{"data-url": f"/api/feedback/{code}/reply"})
    assert_no_inline_code(page)
    assert client.get("/admin/feedback?status=answered&lang=en").text.count("feedback-item") == 0


def test_the_list_and_answers_are_for_supervisors_only(client: Any) -> None:
    code = give(client).json["code"]

    assert client.get("/api/feedback").status_code == 401
    sign_in(client, "an")
    assert client.get("/api/feedback").status_code == 403
    reply = {"reply": "Đã nhận", "status": "in_progress"}
    assert client.post(f"/api/feedback/{code}/reply", json=reply).status_code in (401, 403)
    headers = sign_in(client, "chi")
    assert client.post(f"/api/feedback/{code}/reply", json=reply).json["error"] == "csrf"
    assert client.post(f"/api/feedback/{code}/reply", json=reply, headers=headers).status_code == (
        200
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "complaint"}, None),
        ({"kind": "rant", "text": "x"}, None),
        ({"kind": "praise", "text": "x" * 2001}, "bad_text"),
        ({"kind": "praise", "text": " "}, "bad_text"),
        ({"kind": "praise", "text": "x", "contact": "x" * 201}, None),
        ({"kind": "praise", "text": "x", "name": "An"}, None),
        ({"kind": "praise", "text": "x", "ticket_token": "gone"}, "unknown_ticket"),
        ({"kind": "praise", "text": "x", "service": "Q"}, "unknown_service"),
    ],
)
def test_bad_feedback_gets_a_clear_4xx_and_nothing_is_kept(
    app: Any, client: Any, body: dict[str, Any], code: str | None
) -> None:
    answer = client.post("/api/feedback", json=body)

    assert 400 <= answer.status_code < 500 and answer.json["message"]
    if code is not None:
        assert answer.json["error"] == code
    database = connect(app.config["DATABASE"])
    assert database.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    database.conn.close()


def test_bad_reads_and_answers_get_a_clear_4xx(client: Any) -> None:
    code = give(client).json["code"]
    assert client.get("/api/feedback/ABCD2345").status_code == 404
    assert client.post("/api/feedback", data="text", content_type="text/plain").status_code == 400
    headers = sign_in(client, "chi")

    assert client.get("/api/feedback?status=lost").json["error"] == "bad_status"
    for body, status in (
        ({"reply": "x" * 2101, "status": "answered"}, 400),
        ({"reply": "x" * 2001, "status": "answered"}, 400),
        ({"status": "answered"}, 400),
        ({"reply": "Đã nhận", "status": "new"}, 400),
    ):
        answer = client.post(f"/api/feedback/{code}/reply", json=body, headers=headers)
        assert answer.status_code == status, body
    closing = {"status": "closed"}
    missing = client.post("/api/feedback/ABCD2345/reply", json=closing, headers=headers)
    assert missing.status_code == 404


def test_feedback_is_limited_per_address(database_path: Path) -> None:
    from core.center import load_center
    from server import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(database_path),
            "TICKET_RATE_LIMIT": "3/minute",
            "FEEDBACK_RATE_LIMIT": "2/hour",
        }
    )
    database = connect(database_path)
    load_center(database, SMALL_CENTER)
    database.conn.close()
    client = app.test_client()

    answers = [give(client) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [201, 201], answers[0].json
    codes = [answer.json["code"] for answer in answers]
    limited = give(client)
    assert limited.status_code == 429 and limited.json["error"] == "rate_limited"
    other = client.post(
        "/api/feedback",
        json={"kind": "praise", "text": "Tốt"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 201  # another phone has its own count
    for _ in range(3):  # reading by code is limited too: guessing codes goes nowhere fast
        assert client.get(f"/api/feedback/{codes[0]}").status_code == 200
    assert client.get(f"/api/feedback/{codes[0]}").status_code == 429


def test_the_form_is_reached_from_the_kiosk_the_track_page_and_the_poster(client: Any) -> None:
    token = ticket_token(client)

    _html, kiosk = render(client, "/kiosk/?kiosk=k1")
    assert kiosk.first("a", href="/feedback/?kiosk=k1&lang=vi")
    _html, kiosk = render(client, "/kiosk/?camera=1")
    assert kiosk.first("a", href="/feedback/?kiosk=&lang=vi&camera=1")
    _html, track = render(client, f"/t/{token}")
    assert track.first("a", href=f"/feedback/?ticket={token}")
    poster_html, poster = render(client, "/feedback/poster")
    assert poster.first("img", src="/feedback/qr.svg")
    assert "http://localhost/feedback/" in poster_html
    assert client.get("/feedback/qr.svg").mimetype == "image/svg+xml"
    assert client.get("/feedback/qr.svg?code=https://evil.example").status_code == 400


def test_the_form_knows_the_ticket_and_the_kiosk_it_came_from(client: Any) -> None:
    token = ticket_token(client)

    for query in ("", "?lang=en", f"?ticket={token}", "?kiosk=k1"):
        _html, page = render(client, f"/feedback/{query}")
        assert_no_inline_code(page)
    html, page = render(client, f"/feedback/?ticket={token}&lang=en")
    assert page.first("div", id="feedback")["data-token"] == token and "A001" in html
    _html, page = render(client, "/feedback/?ticket=not-a-ticket-token")
    assert page.first("div", id="feedback")["data-token"] == ""  # still welcome, untied
    _html, page = render(client, "/feedback/?kiosk=k1")
    assert page.first("a", id="back-to-kiosk")["href"] == "/kiosk/?lang=vi&kiosk=k1"
    assert page.first("div", id="feedback")["data-home-url"] == "/kiosk/?lang=vi&kiosk=k1"
    _html, page = render(client, "/feedback/?kiosk=&camera=1&lang=en")
    assert page.first("a", id="back-to-kiosk")["href"] == "/kiosk/?lang=vi&camera=1"
    loose = client.get("/feedback/abcd-2345")
    assert loose.status_code == 302 and loose.location.endswith("/feedback/ABCD2345")
    assert client.get("/feedback/not-a-code!").status_code == 404


def test_the_monitor_flags_a_complaint_past_its_working_days(client: Any, clock: Clock) -> None:
    code = give(client).json["code"]
    sign_in(client, "chi")
    _html, page = render(client, "/admin/monitor")
    assert "hidden" in page.first("section", id="feedback-overdue")

    clock.advance(days=8)  # Tuesday of the next week: past the 5 working days
    sign_in(client, "chi")  # a new shift

    html, page = render(client, "/admin/monitor?lang=en")
    assert "hidden" not in page.first("section", id="feedback-overdue")
    assert f"#feedback-{code}" in html and "answer due by 07/12/2026" in html
    assert [item["code"] for item in client.get("/api/feedback?overdue=1").json] == [code]
    assert_no_inline_code(page)


def test_an_admin_sets_the_answer_delay_audited(
    app: Any, client: Any, admin: dict[str, str]
) -> None:
    changed = client.put("/api/admin/feedback", json={"answer_days": 3}, headers=admin)
    assert changed.status_code == 200 and changed.json == {"answer_days": 3}
    refused = client.put("/api/admin/feedback", json={"answer_days": 0}, headers=admin)
    assert refused.status_code == 400

    html = client.get("/admin/feedback?lang=en").text
    assert 'name="answer_days"' in html and 'value="3"' in html
    assert "Suggestion box settings changed" in client.get("/admin/audit?lang=en").text
    assert "phone number or e-mail a visitor left" in client.get("/admin/center?lang=en").text


def test_the_purge_command_blanks_answered_contacts(
    app: Any, client: Any, clock: Clock, database_path: Path
) -> None:
    code = give(client, contact=CONTACT).json["code"]
    headers = sign_in(client, "chi")
    reply = {"reply": "Đã xử lý", "status": "closed"}
    answered = client.post(f"/api/feedback/{code}/reply", json=reply, headers=headers)
    assert answered.status_code == 200
    database = connect(database_path)
    database.execute("UPDATE feedback SET day = ?", [(clock() - timedelta(days=60)).date()])
    database.conn.close()

    said = flask_command(database_path, "purge", "--older-than", "30")

    assert "feedback: 1 purged" in said
    listed = client.get("/api/feedback").json
    assert listed[0]["contact"] is None and listed[0]["text"] == SCRIPT
