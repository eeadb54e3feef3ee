/* The services page: the weekly schedule editor of the service dialog, and the holiday list.
 *
 * A schedule is sent as null (no limit) or {monday: ["07:00-11:30", ...], ..., sunday: []};
 * the server stores seven equal days as one every-day list. Common slips (half a session, an
 * end before its start, overlapping sessions, an open day without hours) are caught here, in
 * the page's language, before anything is sent.
 */

import { $, fill, readJson } from "../../static/js/dom.js";
import { FormError, send, showError, strings, widgets } from "./page.js";

const words = readJson("schedule-strings");
const DEFAULT_DAY = ["07:00-11:30", "13:00-17:00"];
const WORKING_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"];

function rows(element) {
  return Array.from(element.querySelectorAll("tr[data-day]"));
}

function sessionsOf(row) {
  return Array.from(row.querySelectorAll(".session"));
}

function addSession(row) {
  const cells = row.querySelectorAll(".sessions");
  const last = cells[cells.length - 1];
  const copy = last.querySelector(".session").cloneNode(true);
  copy.querySelectorAll("input").forEach((input) => { input.value = ""; });
  last.appendChild(copy);
  return copy;
}

function setDay(row, spans) {
  sessionsOf(row).slice(2).forEach((extra) => extra.remove());
  while (sessionsOf(row).length < spans.length) addSession(row);
  sessionsOf(row).forEach((session, index) => {
    const [start, end] = (spans[index] || "-").split("-");
    session.querySelector(".span-start").value = start || "";
    session.querySelector(".span-end").value = end || "";
  });
  row.querySelector(".day-open").checked = spans.length > 0;
  syncRow(row);
}

function syncRow(row) {
  const open = row.querySelector(".day-open").checked;
  row.classList.toggle("is-closed", !open);
  row.querySelectorAll(".session input").forEach((input) => { input.disabled = !open; });
}

function syncMode(element) {
  const always = element.querySelector('[name="schedule-mode"][value="always"]').checked;
  element.querySelector(".schedule-table").hidden = always;
  element.querySelector(".schedule-tools").hidden = always;
}

function dayName(row) {
  return strings.days[row.dataset.day];
}

/* "7", "7h", "730", "7:30", "07.30" -> "07:30"; anything else is returned as typed. */
function normalTime(text) {
  const match = text.trim().match(/^(\d{1,2})(?:[:hg.]?(\d{2}))?h?$/i);
  if (!match) return text.trim();
  const hours = Number(match[1]);
  const minutes = Number(match[2] || 0);
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes)) return text.trim();
  return String(hours).padStart(2, "0") + ":" + String(minutes).padStart(2, "0");
}

function readTime(input, row) {
  const value = normalTime(input.value);
  input.value = value;
  if (value && !/^\d\d:\d\d$/.test(value)) {
    throw new FormError(fill(words.format, { day: dayName(row), time: value }));
  }
  return value;
}

function readDay(row) {
  if (!row.querySelector(".day-open").checked) return [];
  const spans = [];
  sessionsOf(row).forEach((session) => {
    const start = readTime(session.querySelector(".span-start"), row);
    const end = readTime(session.querySelector(".span-end"), row);
    if (!start && !end) return;
    if (!start || !end) throw new FormError(fill(words.half, { day: dayName(row) }));
    if (end <= start) throw new FormError(fill(words.backwards, { day: dayName(row), start, end }));
    spans.push([start, end]);
  });
  if (!spans.length) throw new FormError(fill(words.empty, { day: dayName(row) }));
  spans.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (let index = 1; index < spans.length; index += 1) {
    if (spans[index][0] < spans[index - 1][1]) throw new FormError(fill(words.overlap, { day: dayName(row) }));
  }
  return spans.map((span) => span.join("-"));
}

widgets.schedule = {
  read(element) {
    if (element.querySelector('[name="schedule-mode"][value="always"]').checked) return null;
    const week = {};
    rows(element).forEach((row) => { week[row.dataset.day] = readDay(row); });
    if (Object.values(week).every((spans) => spans.length === 0)) throw new FormError(words.allClosed);
    return week;
  },
  write(element, _hours, item) {
    const schedule = item.schedule;
    const always = item.code !== undefined && !schedule;
    element.querySelector(`[name="schedule-mode"][value="${always ? "always" : "week"}"]`).checked = true;
    rows(element).forEach((row) => {
      const day = row.dataset.day;
      const fresh = WORKING_DAYS.includes(day) ? DEFAULT_DAY : [];
      setDay(row, schedule ? schedule[day] : fresh);
    });
    syncMode(element);
  },
};

document.querySelectorAll('[data-widget="schedule"]').forEach((element) => {
  rows(element).forEach((row) => { row.querySelector(".day-name").textContent = dayName(row); });
  element.addEventListener("focusout", (event) => {
    if (event.target.closest(".session")) event.target.value = normalTime(event.target.value);
  });
  element.addEventListener("change", (event) => {
    if (event.target.name === "schedule-mode") syncMode(element);
    if (event.target.classList.contains("day-open")) {
      const row = event.target.closest("tr");
      if (event.target.checked && !row.querySelector(".span-start").value) setDay(row, DEFAULT_DAY);
      else syncRow(row);
    }
  });
  element.querySelector("[data-copy-monday]").addEventListener("click", () => {
    const monday = rows(element)[0];
    let spans;
    try {
      spans = readDay(monday);
    } catch (error) {
      showError(element.closest("form"), error);
      return;
    }
    rows(element).slice(1, 5).forEach((row) => setDay(row, spans));
  });
});

// ---------- holidays ----------

const holidayForm = document.querySelector(".holidays-form");
const list = $("holiday-list");
const rowTemplate = $("holiday-row");

function syncEmpty() {
  $("holiday-empty").hidden = list.children.length > 0;
}

function addHoliday(holiday) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.querySelector(".holiday-date").value = holiday.date || "";
  row.querySelector(".holiday-name").value = holiday.name || "";
  list.appendChild(row);
  syncEmpty();
  return row;
}

readJson("holiday-items").forEach(addHoliday);
$("add-holiday").addEventListener("click", () => {
  addHoliday({}).querySelector(".holiday-date").focus();
});
list.addEventListener("click", (event) => {
  if (event.target.closest("[data-remove-row]")) event.target.closest("li").remove();
  syncEmpty();
});
holidayForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const holidays = Array.from(list.children).map((row) => ({
    date: row.querySelector(".holiday-date").value,
    name: row.querySelector(".holiday-name").value.trim(),
  }));
  const reason = holidayForm.elements.reason.value.trim();
  send(holidayForm, "PUT", holidayForm.dataset.url, { holidays, reason });
});
