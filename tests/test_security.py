"""What strangers on the center's LAN can throw at it: hostile names in the configuration, odd
request bodies, guessed links, framing and sniffing. Every surface answers with the security
headers, shows hostile text as text, and refuses bad input with a 4xx, never a 500."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from core.center import load_center
from db import connect
from security import CONTENT_SECURITY_POLICY, SQLITE_INTEGER_MAX
from tests.conftest import SMALL_CENTER, sign_in

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
BREAKOUT = "\"'><i id=breakout onclick=alert(3)>"
RAW = ("<script>alert", "<img src=x", "<i id=breakout")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,}$")  # 16 random bytes or more, url-safe base64


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# ---- headers -------------------------------------------------------------------------------


def page_paths(app: Any, client: Any) -> list[str]:
    """Every page without path arguments, a track page, files, and API answers (good and bad)."""
    paths = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments
    ]
    issued = client.post("/api/tickets", json={"service": "A"}).json
    return [
        *paths,
        issued["track_url"],
        "/t/not-a-ticket",
        "/kiosk/?lang=en",
        "/static/vendor/socket.io.min.js",
        "/api/tickets/not-a-ticket",
        "/api/counters/1",
        "/api/no-such-route",
        "/no-such-page",
    ]


def test_every_answer_carries_the_security_headers(app: Any, client: Any) -> None:
    paths = page_paths(app, client)
    assert {"/", "/kiosk/", "/counter/", "/display/", "/api/services"} <= set(paths)
    for path in paths:
        answer = client.get(path)
        answer.close()  # static files are streamed
        headers = answer.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path


def test_the_content_security_policy_allows_no_inline_code_and_no_framing() -> None:
    policy = csp_directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert set(policy["connect-src"]) == {"'self'", "ws:", "wss:"}
    assert not [source for sources in policy.values() for source in sources if "unsafe" in source]


def test_api_answers_are_never_cached(client: Any) -> None:
    assert client.get("/api/services").headers["Cache-Control"] == "no-store"
    signed = client.post("/api/session", json={"username": "an", "password": "clerk-password-1"})
    assert signed.headers["Cache-Control"] == "no-store"


def templates() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.html")
        if not {".venv", "node_modules", "tests", ".git"} & set(path.relative_to(ROOT).parts)
    )


def test_no_template_has_inline_script_style_or_handlers() -> None:
    """What lets the policy stay strict: scripts and styles come from files, never the page."""
    found = templates()
    assert len(found) >= 8
    problems = []
    for path in found:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                problems.append(f"{name}: inline script {tag}")
        for pattern, what in [
            (r"<style\b", "<style> element"),
            (r"\sstyle\s*=", "style attribute"),
            (r"\son[a-z]+\s*=\s*[\"']", "event handler attribute"),
            (r"javascript:", "javascript: URL"),
            (r"\|\s*safe\b", "|safe filter"),
            (r"autoescape\s+false", "autoescape off"),
        ]:
            if re.search(pattern, text, re.IGNORECASE):
                problems.append(f"{name}: {what}")
    assert problems == []


# ---- hostile text in the configuration ----------------------------------------------------


class Tags(HTMLParser):
    """The elements a browser would build from a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def hostile_center(app: Any, database_path: Any) -> None:
    center = copy.deepcopy(SMALL_CENTER)
    center["center"]["name"] = f"</title>{SCRIPT}"
    center["departments"][0]["name"] = IMAGE
    center["departments"][0]["name_en"] = IMAGE
    center["services"][0]["name"] = SCRIPT
    center["services"][0]["name_en"] = SCRIPT
    center["counters"][0]["name"] = BREAKOUT
    database = connect(database_path)
    load_center(database, center)
    database.conn.close()


SURFACES = ["/kiosk/", "/kiosk/?lang=en", "/display/", "/display/?lang=en", "/counter/", "/"]


def test_hostile_names_show_as_text_on_every_page(client: Any, hostile_center: None) -> None:
    for path in SURFACES:
        answer = client.get(path)
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        for raw in RAW:
            assert raw not in html, (path, raw)
        if path != "/":
            # the service's name is on the page, escaped: as HTML text or inside a JSON block
            assert "&lt;script&gt;alert(1)" in html or "\\u003cscript\\u003ealert(1)" in html
        for tag, attributes in Tags(html).tags:
            assert not [name for name in attributes if name.startswith("on")], (path, tag)
            assert attributes.get("id") != "breakout", path
            if tag == "script":
                assert attributes.get("src") or attributes.get("type") == "application/json"


def test_hostile_names_show_as_text_on_the_track_page(client: Any, hostile_center: None) -> None:
    track_url = client.post("/api/tickets", json={"service": "A"}).json["track_url"]
    html = client.get(track_url).get_data(as_text=True)
    for raw in RAW:
        assert raw not in html
    assert "alert(1)" in html


def test_hostile_names_stay_json_strings_in_the_api(client: Any, hostile_center: None) -> None:
    answer = client.get("/api/services")
    assert answer.mimetype == "application/json"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert {service["name"] for service in answer.json} >= {SCRIPT}  # text, for the page to escape


# ---- bad input ----------------------------------------------------------------------------

LONG = "x" * 5000


PUBLIC_BAD_BODIES = [
    # over-long strings
    ("/api/session", {"username": "a" * 65, "password": "p" * 8}),
    ("/api/session", {"username": "an", "password": LONG}),
    ("/api/tickets", {"service": "A", "kiosk": LONG}),
    ("/api/tickets", {"service": "A" * 100}),
    # wrong types
    ("/api/session", {"username": ["an"], "password": "clerk-password-1"}),
    ("/api/session", {"username": "an", "password": 12345678}),
    ("/api/tickets", {"service": 1}),
    ("/api/tickets", {"service": "A", "priority": {"code": "elderly"}}),
    ("/api/tickets", {"service": "A", "paper": "maybe"}),
    ("/api/tickets", {"service": None}),
    # unknown keys
    ("/api/session", {"username": "an", "password": "clerk-password-1", "role": "admin"}),
    ("/api/tickets", {"service": "A", "number": 1}),
    # bodies that are not an object
    ("/api/tickets", []),
    ("/api/tickets", "A"),
    ("/api/session", 1),
]


def test_public_json_routes_refuse_bad_bodies(client: Any) -> None:
    wrong = []
    for path, body in PUBLIC_BAD_BODIES:
        answer = client.post(path, json=body)
        if answer.status_code != 400 or answer.json["error"] != "invalid":
            wrong.append((path, body, answer.status_code))
    assert wrong == []


STAFF_BAD_BODIES = [
    ("/api/counters/1/pause", {"reason": "x" * 201}),
    ("/api/counters/1/pause", {"reason": ""}),
    ("/api/counters/1/pause", {"reason": 5}),
    ("/api/counters/1/call", {"label": "A001; DROP TABLE tickets"}),
    ("/api/counters/1/call", {"label": "A001", "counter": 2}),
    ("/api/counters/1/finish", {"outcome": LONG}),
    ("/api/counters/1/transfer", {"service": ["B"]}),
    ("/api/counters/1/open", {"reason": "x", "clerk": "binh"}),
]


def test_staff_json_routes_refuse_bad_bodies(client: Any) -> None:
    headers = sign_in(client, "an")
    wrong = []
    for path, body in STAFF_BAD_BODIES:
        answer = client.post(path, json=body, headers=headers)
        if answer.status_code != 400 or answer.json["error"] != "invalid":
            wrong.append((path, body, answer.status_code))
    assert wrong == []


BAD_JSON = [
    b'{"username": "\xff\xfe", "password": "clerk-password-1"}',  # not UTF-8
    b'{"username": "\xc0\xaf", "password": "clerk-password-1"}',  # overlong UTF-8
    b'{"username": "\\ud800", "password": "clerk-password-1"}',  # lone surrogate
    b'{"username": "an", "password": "\\udfff\\ud800"}',
    b'{"username": "an", "password": ',  # cut short
    b"[" * 100_000 + b"]" * 100_000,  # nested past the recursion limit
    b'{"username": "an", "password": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b"NaN",
    b"null",
]


def test_bad_json_and_bad_unicode_are_400(client: Any) -> None:
    wrong = []
    for raw in BAD_JSON:
        answer = client.post("/api/session", data=raw, content_type="application/json")
        if answer.status_code != 400 or answer.json["error"] != "invalid":
            wrong.append((raw[:60], answer.status_code))
    assert wrong == []


def test_a_nul_in_a_name_is_just_a_wrong_name(client: Any) -> None:
    answer = client.post("/api/session", json={"username": "an\x00", "password": "x" * 8})
    assert answer.status_code == 401


def test_a_body_over_the_limit_is_413(client: Any) -> None:
    body = b'{"service": "A", "kiosk": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.post("/api/tickets", data=body, content_type="application/json")
    assert answer.status_code == 413 and answer.json["error"]


def test_a_number_too_large_for_the_database_is_404(client: Any) -> None:
    sign_in(client, "an")
    for path in (
        f"/api/counters/{SQLITE_INTEGER_MAX + 1}",
        "/api/counters/" + "9" * 40,
        "/display/audio/A001/" + "9" * 40 + ".wav",
    ):
        assert client.get(path).status_code == 404, path


def test_a_json_number_too_large_for_the_database_is_400(client: Any) -> None:
    headers = sign_in(client, "an")
    for ticket in (SQLITE_INTEGER_MAX + 1, -SQLITE_INTEGER_MAX - 2, 10**40):
        answer = client.post(
            "/api/kiosks/k1/printer", json={"ok": False, "ticket": ticket}, headers=headers
        )
        assert answer.status_code == 400 and answer.json["error"] == "invalid", ticket
    answer = client.post(
        "/api/kiosks/k1/printer", json={"ok": False, "ticket": SQLITE_INTEGER_MAX}, headers=headers
    )
    assert answer.status_code == 204


def test_the_largest_stored_number_still_routes(client: Any) -> None:
    headers = sign_in(client, "chi")
    assert client.get(f"/api/counters/{SQLITE_INTEGER_MAX}").status_code == 404  # no such counter
    answer = client.post(
        f"/api/tickets/{SQLITE_INTEGER_MAX + 1}/cancel", json={"reason": "x"}, headers=headers
    )
    assert answer.status_code == 404
    answer = client.post(
        f"/api/tickets/{SQLITE_INTEGER_MAX}/cancel", json={"reason": "x"}, headers=headers
    )
    assert answer.status_code == 404 and answer.json["error"] == "not_found"


# ---- track links --------------------------------------------------------------------------


def test_track_tokens_are_long_random_and_url_safe(client: Any) -> None:
    from core.tickets import TOKEN_BYTES

    assert TOKEN_BYTES >= 16  # 128 bits
    tokens = [
        client.post("/api/tickets", json={"service": "A"}).json["track_url"].removeprefix("/t/")
        for _ in range(30)
    ]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert TOKEN.fullmatch(token), token
    assert len({token[:8] for token in tokens}) == len(tokens)  # no shared prefix or counter


def test_a_wrong_track_token_is_404_and_tells_nothing(client: Any) -> None:
    issued = client.post("/api/tickets", json={"service": "A"}).json
    token = issued["track_url"].removeprefix("/t/")
    assert client.get(f"/api/tickets/{token}").status_code == 200
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in (near, token.upper(), issued["label"], str(issued["id"]), token[:-4], "%00"):
        answer = client.get(f"/api/tickets/{guess}")
        assert answer.status_code == 404, guess
        assert answer.json == {"error": "not_found", "message": "No ticket for this link."}
        page = client.get(f"/t/{guess}")
        assert page.status_code == 404
        assert issued["label"] not in page.get_data(as_text=True)


def test_staff_answers_never_carry_a_track_token(client: Any) -> None:
    token = client.post("/api/tickets", json={"service": "A"}).json["track_url"][3:]
    headers = sign_in(client, "an")
    client.post("/api/counters/1/open", headers=headers)
    called = client.post("/api/counters/1/next", headers=headers)
    for answer in (called, client.get("/api/counters"), client.get("/api/counters/1")):
        assert token not in answer.get_data(as_text=True)
