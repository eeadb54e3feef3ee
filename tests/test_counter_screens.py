"""The screen over each counter: what core.counter_screens says, what `/display` pushes of it,
the page at /counter/screen, and the clerk's name an admin gives for it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlite_utils import Database

from core.calling import call_next
from core.configuration import Change
from core.configuration.staff import set_display_name
from core.counter_screens import counter_screen, counter_screens
from core.counters import close_counter, open_counter, pause_counter
from core.serving import start, transfer
from core.tickets import issue_ticket
from realtime import socketio
from tests.conftest import sign_in
from tests.helpers.pushes import pushed


def idle(number: int, services: list[str], status: str = "closed") -> dict[str, Any]:
    return {"number": number, "status": status, "clerk": None, "ticket": None, "services": services}


# ---------- core ----------


def test_every_counter_is_listed_idle_and_closed_at_first(db: Database) -> None:
    assert counter_screens(db) == [idle(1, ["A", "B"]), idle(2, ["B", "A"]), idle(3, ["D"])]
    assert counter_screen(db, 3) == idle(3, ["D"])
    assert counter_screen(db, 99) is None


def test_a_service_switched_off_is_not_offered_over_its_counters(
    db: Database, change: Change
) -> None:
    from core.configuration.catalogue import set_service_enabled

    set_service_enabled(db, change, "B", False)
    assert [screen["services"] for screen in counter_screens(db)] == [["A"], ["A"], ["D"]]


def test_an_open_counter_shows_its_clerk_by_the_name_given_never_the_username(
    db: Database, clock: Any, change: Change
) -> None:
    from core.users import create_user

    create_user(db, "lan.nguyen", role="clerk", password="long-password-1", now=clock())
    open_counter(db, 1, clerk="lan.nguyen", now=clock())
    assert counter_screen(db, 1) == idle(1, ["A", "B"], "open")  # no name given: none shown

    set_display_name(db, change, "lan.nguyen", "Nguyễn Thị Lan")
    assert counter_screen(db, 1) == {**idle(1, ["A", "B"], "open"), "clerk": "Nguyễn Thị Lan"}

    close_counter(db, 1, clerk="lan.nguyen", now=clock())
    assert counter_screen(db, 1) == idle(1, ["A", "B"])


def test_the_ticket_in_hand_shows_called_then_serving(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock(), priority="elderly")
    open_counter(db, 1, clerk="lan", now=clock())
    call_next(db, 1, clerk="lan", now=clock())
    called = counter_screen(db, 1)
    assert called is not None
    assert called["ticket"] == {"label": "A001", "service": "A", "status": "called"}
    start(db, 1, clerk="lan", now=clock())
    serving = counter_screen(db, 1)
    assert serving is not None
    assert serving["ticket"] == {"label": "A001", "service": "A", "status": "serving"}
    assert "priority" not in serving["ticket"]  # whether or why: neither is the sign's business


def test_a_transferred_ticket_shows_the_service_it_is_served_in(db: Database, clock: Any) -> None:
    issue_ticket(db, "A", now=clock())
    open_counter(db, 1, clerk="lan", now=clock())
    open_counter(db, 2, clerk="mai", now=clock())
    call_next(db, 1, clerk="lan", now=clock())
    transfer(db, 1, "B", clerk="lan", now=clock())
    assert counter_screen(db, 1) == idle(1, ["A", "B"], "open")
    clock.advance(minutes=1)
    call_next(db, 2, clerk="mai", now=clock())
    screen = counter_screen(db, 2)
    assert screen is not None
    assert screen["ticket"] == {"label": "A001", "service": "B", "status": "called"}


def test_a_paused_counter_says_paused_and_never_why(db: Database, clock: Any) -> None:
    open_counter(db, 3, clerk="lan", now=clock())
    pause_counter(db, 3, clerk="lan", reason="Đi khám bệnh", now=clock())
    screen = counter_screen(db, 3)
    assert screen == idle(3, ["D"], "paused")
    assert "Đi khám" not in json.dumps(screen, ensure_ascii=False)


# ---------- the /display pushes ----------


@pytest.fixture
def display(app: Any, client: Any) -> Any:
    socket = socketio.test_client(app, namespace="/display", flask_test_client=client)
    yield socket
    socket.disconnect(namespace="/display")


def screen_of(board: dict[str, Any], number: int) -> dict[str, Any]:
    return next(screen for screen in board["counters"] if screen["number"] == number)


def test_the_display_pushes_follow_a_counter_through_call_start_finish_and_pause(
    app: Any, client: Any, display: Any, admin: dict[str, str]
) -> None:
    hall = socketio.test_client(app, namespace="/display")  # hears all, read at the end
    named = client.put(
        "/api/admin/users/an/name", json={"display_name": "Nguyễn Văn An"}, headers=admin
    )
    assert named.status_code == 200 and named.json["display_name"] == "Nguyễn Văn An"
    clerk = sign_in(client, "an")
    post = lambda action, **body: client.post(  # noqa: E731
        f"/api/counters/1/{action}", json=body, headers=clerk
    )
    pushed(display, "/display", "board")  # on connect
    assert post("open").status_code == 200
    opened = screen_of(pushed(display, "/display", "board")[-1], 1)
    assert opened == {
        "number": 1,
        "status": "open",
        "clerk": "Nguyễn Văn An",
        "ticket": None,
        "services": ["A", "B"],
    }
    client.post("/api/tickets", json={"service": "B", "priority": "pregnant"})
    display.get_received("/display")

    post("next")
    received = display.get_received("/display")
    names = [event["name"] for event in received]
    assert names.index("called") < names.index("board")  # the call at once, then the board
    board = [event["args"][0] for event in received if event["name"] == "board"][-1]
    called = {"label": "B001", "service": "B", "status": "called"}
    assert screen_of(board, 1)["ticket"] == called
    assert screen_of(board, 2)["ticket"] is None

    post("start")
    assert screen_of(pushed(display, "/display", "board")[-1], 1)["ticket"] == {
        **called,
        "status": "serving",
    }
    post("finish")
    finished = screen_of(pushed(display, "/display", "board")[-1], 1)
    assert finished["ticket"] is None and finished["status"] == "open"
    post("pause", reason="Họp giao ban khẩn")
    paused = screen_of(pushed(display, "/display", "board")[-1], 1)
    assert paused["status"] == "paused" and paused["clerk"] == "Nguyễn Văn An"

    # nothing private in anything the hall heard: no username, pause reason or category
    heard = hall.get_received("/display")
    assert [event["name"] for event in heard].count("called") == 1
    everything = json.dumps(heard, ensure_ascii=False)
    assert "Nguyễn Văn An" in everything and "B001" in everything
    for private in ('"an"', "Họp giao ban", "pregnant"):
        assert private not in everything
    hall.disconnect(namespace="/display")


def test_a_name_changed_by_an_admin_reaches_the_screen_at_once(
    app: Any, client: Any, display: Any, admin: dict[str, str]
) -> None:
    counter_pc = app.test_client()
    counter_pc.post("/api/counters/2/open", headers=sign_in(counter_pc, "binh"))
    display.get_received("/display")
    answer = client.put(
        "/api/admin/users/binh/name", json={"display_name": "  Trần   Thị Bình "}, headers=admin
    )
    assert answer.json["display_name"] == "Trần Thị Bình"  # spaces tidied, as every text
    assert screen_of(pushed(display, "/display", "board")[-1], 2)["clerk"] == "Trần Thị Bình"
    client.put("/api/admin/users/binh/name", json={"display_name": ""}, headers=admin)
    assert screen_of(pushed(display, "/display", "board")[-1], 2)["clerk"] is None


def test_a_name_too_long_or_for_nobody_is_refused_in_words(
    client: Any, admin: dict[str, str]
) -> None:
    long = client.put("/api/admin/users/an/name", json={"display_name": "N" * 61}, headers=admin)
    assert long.status_code == 400 and "60" in long.json["message"]
    nobody = client.put("/api/admin/users/ghost/name", json={"display_name": "X"}, headers=admin)
    assert nobody.status_code == 404
    clerk = sign_in(client, "an")
    refused = client.put("/api/admin/users/an/name", json={"display_name": "X"}, headers=clerk)
    assert refused.status_code == 403


# ---------- the page ----------


def test_the_page_is_drawn_whole_before_its_socket_speaks(client: Any) -> None:
    clerk = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=clerk)
    client.post("/api/tickets", json={"service": "A"})
    client.post("/api/counters/1/next", headers=clerk)
    page = client.get("/counter/screen?counter=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-state="called"' in text and ">A001</p>" in text and "Xin mời số" in text
    assert "Hộ tịch" in text and 'data-counter="1"' in text

    english = client.get("/counter/screen?counter=3&lang=en").get_data(as_text=True)
    assert "This counter is closed" in english and "Doanh nghiệp" in english


@pytest.mark.parametrize(
    ("query", "status"), [("", 400), ("?counter=99", 404), ("?counter=%D9%A3", 404)]
)
def test_an_address_without_a_counter_of_the_center_says_how_to_set_it(
    client: Any, query: str, status: int
) -> None:
    page = client.get("/counter/screen" + query)
    assert page.status_code == status
    text = page.get_data(as_text=True)
    assert "Màn hình này đặt ở quầy nào?" in text
    assert 'href="/counter/screen?counter=3"' in text


def test_every_word_of_the_counter_screen_has_its_vietnamese() -> None:
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "counter"
    with (root / "translations/vi/LC_MESSAGES/messages.po").open("rb") as file:
        catalogue = {(m.context, m.id): m.string for m in read_po(file) if m.id}
    words = []
    for name in ("_counter_face.html", "screen.html", "screen_setup.html", "_setup.html"):
        template = (root / "templates/counter" / name).read_text()
        words += re.findall(r'pgettext\("([^"]+)", "([^"]+)"\)', template)
        words += [(None, word) for word in re.findall(r'(?<!p)_\("([^"]+)"\)', template)]
    assert len(words) > 15
    missing = [word for word in words if not catalogue.get(word)]
    assert not missing, f"no Vietnamese in counter/translations for {missing}"
