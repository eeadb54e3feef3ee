"""The suggestion box in core/: codes, what is kept of a visitor's words, ties to a ticket,
answers and statuses with their log and audit, and the working days a complaint may wait."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from core.audit import list_entries
from core.calling import call_next
from core.configuration import Change
from core.configuration.settings import set_holidays, update_feedback_settings
from core.counters import open_counter
from core.errors import CenterFileError, InvalidInput, NotFound
from core.feedback import give_feedback, reply_to_feedback
from core.feedback_records import FeedbackStatus, find_feedback, new_code
from core.feedback_review import list_feedback, overdue_complaints, status_counts
from core.retention import purge_personal_data
from core.serving import finish
from core.tickets import issue_ticket
from core.vocabulary import BOOKING_CODE_ALPHABET
from core.working_days import OFFICE_WEEK, WorkingCalendar, working_calendar
from tests.conftest import MORNING

MONDAY = date(2026, 11, 30)  # MORNING's center day


def complaint(db: Database, **given: Any) -> Any:
    values = {"kind": "complaint", "text": "Chờ quá lâu ở quầy 1", **given}
    return give_feedback(db, values.pop("kind"), values.pop("text"), now=MORNING, **values)


def events(db: Database) -> list[tuple[str, dict[str, Any]]]:
    found = db.execute("SELECT type, payload FROM feedback_events ORDER BY id").fetchall()
    return [(kind, json.loads(payload)) for kind, payload in found]


# --- codes ------------------------------------------------------------------------------------


def test_codes_are_eight_unambiguous_letters_and_digits_and_do_not_repeat() -> None:
    codes = {new_code() for _ in range(500)}

    assert len(codes) == 500
    assert all(len(code) == 8 and set(code) <= set(BOOKING_CODE_ALPHABET) for code in codes)
    assert not set("01IO") & set("".join(codes))


def test_a_code_is_found_typed_loosely_and_an_unknown_one_is_404(db: Database) -> None:
    given = complaint(db)
    typed = f" {given.code[:4].lower()}-{given.code[4:]} "

    assert find_feedback(db, typed).id == given.id
    with pytest.raises(NotFound) as refused:
        find_feedback(db, "ABCDEFGH" if given.code != "ABCDEFGH" else "HGFEDCBA")
    assert refused.value.code == "unknown_feedback"


# --- giving -----------------------------------------------------------------------------------


def test_feedback_tied_to_a_ticket_takes_its_service_counter_and_clerk(db: Database) -> None:
    issued = issue_ticket(db, "A", now=MORNING)
    open_counter(db, 1, clerk="an", now=MORNING)
    call_next(db, 1, clerk="an", now=MORNING + timedelta(minutes=5))
    finish(db, 1, clerk="an", now=MORNING + timedelta(minutes=9))

    given = complaint(db, ticket_token=issued.ticket.token, service="D", contact="0912 345 678")

    assert (given.ticket, given.service, given.counter, given.clerk) == (
        issued.ticket.id,
        "A",  # the ticket's own service wins over the one named
        1,
        "an",
    )
    assert given.status == FeedbackStatus.NEW and given.contact == "0912 345 678"
    assert given.public() == {
        "code": given.code,
        "kind": "complaint",
        "status": "new",
        "created_at": "2026-11-30T01:00:00.000+00:00",
    }


def test_feedback_without_a_ticket_may_name_a_service_or_none(db: Database) -> None:
    assert complaint(db, service="D").service == "D"
    assert complaint(db).service is None


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"kind": "threat"}, "bad_kind"),
        ({"text": "   \n "}, "bad_text"),
        ({"text": "x" * 2001}, "bad_text"),
        ({"contact": "0" * 201}, "bad_contact"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_kept(
    db: Database, given: dict[str, Any], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        complaint(db, **given)

    assert refused.value.code == code
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("given", "code"),
    [({"ticket_token": "no-such-token"}, "unknown_ticket"), ({"service": "Z"}, "unknown_service")],
)
def test_feedback_about_an_unknown_ticket_or_service_is_404(
    db: Database, given: dict[str, Any], code: str
) -> None:
    with pytest.raises(NotFound) as refused:
        complaint(db, **given)

    assert refused.value.code == code
    assert events(db) == []


def test_texts_are_kept_trimmed_with_their_lines_and_without_control_characters(
    db: Database,
) -> None:
    given = complaint(db, text="  Dòng 1\r\nDòng 2\x00\x1b[31m  ", contact="  a@b.vn \n ")

    assert given.text == "Dòng 1\nDòng 2[31m"
    assert given.contact == "a@b.vn"
    assert complaint(db, text="x" * 2000, contact="  ").contact is None


def test_giving_writes_a_plain_record_without_the_text_or_the_contact(db: Database) -> None:
    given = complaint(db, service="A", contact="0912345678")

    row = db.execute("SELECT type, at, ticket, counter, service FROM feedback_events").fetchone()
    assert tuple(row) == ("feedback", "2026-11-30T01:00:00.000+00:00", None, None, "A")
    assert events(db)[0][1] == {"code": given.code, "kind": "complaint", "status": "new"}


# --- answering --------------------------------------------------------------------------------


def answer(db: Database, code: str, reply: str | None, status: str, minutes: int = 60) -> Any:
    moment = MORNING + timedelta(minutes=minutes)
    return reply_to_feedback(db, code, reply=reply, status=status, actor="chi", now=moment)


def test_an_answer_sets_the_status_and_is_logged_and_audited(db: Database) -> None:
    given = complaint(db)

    answered = answer(db, given.code, "Xin lỗi, chúng tôi đã mở thêm quầy.", "answered")

    assert answered.status == FeedbackStatus.ANSWERED
    assert answered.reply == "Xin lỗi, chúng tôi đã mở thêm quầy."
    assert (answered.replied_at, answered.replied_by) == ("2026-11-30T02:00:00.000+00:00", "chi")
    assert answered.public()["reply"] == answered.reply
    entry = list_entries(db)[0]
    assert (entry.actor, entry.action, entry.target) == ("chi", "feedback.reply", given.code)
    assert entry.details == {
        "before": {"status": "new", "reply": None},
        "after": {"status": "answered", "reply": answered.reply},
    }
    assert [entry.kind for entry in list_entries(db, kind="feedback")] == ["feedback"]
    assert list_entries(db, kind="config") == []  # an answer is no change of configuration
    assert [kind for kind, _payload in events(db)] == ["feedback", "feedback_replied"]
    assert events(db)[1][1] == {
        "code": given.code,
        "kind": "complaint",
        "status": "answered",
        "from": "new",
    }


def test_a_change_of_status_alone_keeps_the_answer_and_is_audited_as_such(db: Database) -> None:
    given = complaint(db)
    answer(db, given.code, "Đã chuyển bộ phận xử lý.", "in_progress")

    closed = answer(db, given.code, "  ", "closed", minutes=90)

    assert closed.reply == "Đã chuyển bộ phận xử lý." and closed.status == FeedbackStatus.CLOSED
    assert closed.replied_at == "2026-11-30T02:00:00.000+00:00"  # when the words were written
    assert [entry.action for entry in list_entries(db)] == ["feedback.status", "feedback.reply"]
    assert events(db)[-1][0] == "feedback_status_changed"


def test_the_same_answer_again_changes_and_logs_nothing(db: Database) -> None:
    given = complaint(db)
    answer(db, given.code, "Cảm ơn.", "answered")

    again = answer(db, given.code, "Cảm ơn.", "answered", minutes=120)

    assert again.replied_at == "2026-11-30T02:00:00.000+00:00"
    assert len(list_entries(db)) == 1 and len(events(db)) == 2


@pytest.mark.parametrize(
    ("reply", "status", "code"),
    [
        ("Cảm ơn", "new", "bad_status"),
        ("Cảm ơn", "deleted", "bad_status"),
        (None, "answered", "no_reply"),
        ("x" * 2001, "answered", "bad_reply"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    db: Database, reply: str | None, status: str, code: str
) -> None:
    given = complaint(db)

    with pytest.raises(InvalidInput) as refused:
        answer(db, given.code, reply, status)

    assert refused.value.code == code
    assert find_feedback(db, given.code) == given
    assert list_entries(db) == [] and len(events(db)) == 1


# --- working days and overdue complaints ------------------------------------------------------


def test_working_days_skip_weekends_and_holidays() -> None:
    calendar = WorkingCalendar(OFFICE_WEEK, frozenset({"2026-12-02"}))

    assert calendar.after(MONDAY, 0) == MONDAY
    assert calendar.after(MONDAY, 4) == date(2026, 12, 7)  # Tue, Thu, Fri, then Monday
    assert calendar.after(date(2026, 12, 5), 1) == date(2026, 12, 7)  # from a Saturday
    assert calendar.between(MONDAY, date(2026, 12, 7)) == 4
    assert calendar.between(MONDAY, MONDAY) == 0


def test_the_week_is_the_one_the_services_keep_else_monday_to_friday(db: Database) -> None:
    assert working_calendar(db).weekdays == OFFICE_WEEK  # every service keeps the same hours

    db.execute(
        "UPDATE services SET hours = ? WHERE code = 'D'",
        [json.dumps({"monday": [["07:00", "11:30"]], "saturday": [["07:00", "11:30"]]})],
    )
    assert working_calendar(db).weekdays == {0, 5}
    db.execute("UPDATE services SET enabled = 0 WHERE code = 'D'")
    assert working_calendar(db).weekdays == OFFICE_WEEK


def test_a_complaint_is_overdue_after_its_working_days_until_answered(db: Database) -> None:
    late = complaint(db)
    give_feedback(db, "suggestion", "Thêm ghế chờ", now=MORNING)
    due_day = MORNING + timedelta(days=7)  # Monday 7 December: the 5th working day after

    assert overdue_complaints(db, now=due_day) == []
    flagged = overdue_complaints(db, now=due_day + timedelta(days=1))
    assert [(item["code"], item["due"], item["working_days"]) for item in flagged] == [
        (late.code, "2026-12-07", 6)
    ]
    assert "text" not in flagged[0] and "contact" not in flagged[0]

    answer(db, late.code, "Đã xử lý.", "answered")
    assert overdue_complaints(db, now=due_day + timedelta(days=1)) == []


def test_holidays_and_the_setting_move_the_due_day(db: Database) -> None:
    late = complaint(db)
    change = Change(actor="root", now=MORNING, reason="Tết")
    set_holidays(db, change, [{"date": "2026-12-03", "name": "Nghỉ bù"}])

    assert list_feedback(db, now=MORNING)[0]["due"] == "2026-12-08"
    update_feedback_settings(db, change, answer_days=1)
    assert list_feedback(db, now=MORNING)[0]["due"] == "2026-12-01"
    assert [item["code"] for item in overdue_complaints(db, now=MORNING + timedelta(days=2))] == [
        late.code
    ]
    with pytest.raises(InvalidInput):
        update_feedback_settings(db, change, answer_days=0)


def test_the_list_filters_by_status_and_counts_each(db: Database) -> None:
    first, second = complaint(db), give_feedback(db, "praise", "Rất tốt", now=MORNING)
    answer(db, first.code, "Cảm ơn.", "answered")

    assert [item["code"] for item in list_feedback(db, now=MORNING, status="new")] == [second.code]
    assert status_counts(db) == {"new": 1, "in_progress": 0, "answered": 1, "closed": 0}
    with pytest.raises(ValueError):
        list_feedback(db, now=MORNING, status="lost")


# --- personal data ----------------------------------------------------------------------------


def test_the_purge_blanks_answered_contacts_of_past_days_and_keeps_the_rest(db: Database) -> None:
    answered, waiting = complaint(db, contact="0912345678"), complaint(db, contact="a@b.vn")
    answer(db, answered.code, "Đã xử lý.", "closed")

    purged = purge_personal_data(db, older_than_days=0, now=MORNING + timedelta(days=1))

    assert purged["feedback"] == 1
    assert find_feedback(db, answered.code).contact is None
    assert find_feedback(db, answered.code).text == answered.text  # the words are not a contact
    assert find_feedback(db, waiting.code).contact == "a@b.vn"  # the answer still needs it
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 2


# --- the center file --------------------------------------------------------------------------


def test_the_center_file_sets_the_answer_delay_and_the_export_keeps_it(db: Database) -> None:
    from core.center import load_center
    from core.center_file import current_center_file
    from core.configuration.settings import read_feedback_settings
    from db.export import export_center
    from tests.conftest import SMALL_CENTER

    assert current_center_file(db).feedback is None  # never set: the export leaves it out
    load_center(db, {**SMALL_CENTER, "feedback": {"answer_days": 3}})

    assert read_feedback_settings(db).answer_days == 3
    assert "\n[feedback]\nanswer_days = 3\n" in export_center(db, now=MORNING)
    load_center(db, SMALL_CENTER)  # left out of a file: stays as it is
    assert read_feedback_settings(db).answer_days == 3
    with pytest.raises(CenterFileError, match="answer_days"):
        load_center(db, {**SMALL_CENTER, "feedback": {"answer_days": 61}})
