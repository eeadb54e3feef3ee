/* The monitor's flag of complaints unanswered past their working days: read again from
 * GET /api/feedback?overdue=1 every few minutes (a complaint turns overdue as days pass, not on
 * an event the sockets push), and shown only while there is one. */

import { api } from "../../static/js/api.js";
import { $, element, fill, readJson } from "../../static/js/dom.js";

const REFRESH_MS = 5 * 60 * 1000;
const box = $("feedback-overdue");
const strings = readJson("feedback-overdue-strings");

function render(complaints) {
  $("feedback-overdue-count").textContent = String(complaints.length);
  $("feedback-overdue-list").replaceChildren(
    ...complaints.map((complaint) => {
      const item = element("li");
      const link = element("a", null, complaint.code);
      link.href = box.dataset.pageUrl + "?status=" + complaint.status + "#feedback-" + complaint.code;
      item.append(link, " · " + fill(strings.due, { day: complaint.due.split("-").reverse().join("/") }));
      if (complaint.service) item.append(" · " + complaint.service);
      return item;
    })
  );
  box.hidden = complaints.length === 0;
}

async function refresh() {
  try {
    render(await api("GET", box.dataset.url, undefined, { cache: "no-store" }));
  } catch (_error) {
    // Left as it was: the next refresh tries again, and the monitor's own line says offline.
  }
}

setInterval(refresh, REFRESH_MS);
