/* The visitor's phone: where my ticket stands, refreshed every 10 s (simple and robust on
   phones that sleep and switch networks), and at once when the hall announces my number.
   Words come from the template (#strings), the ticket's URL from a data-* attribute. */

import { api } from "../static/js/api.js";
import { $, fill, readJson } from "../static/js/dom.js";
import { openSocket } from "../static/js/live.js";
import { offerRating } from "./rate.js";

const POLL_MS = 10000;
const FINAL = { done: true, cancelled: true };

const data = $("track").dataset;
const strings = readJson("strings");
const serviceNames = readJson("service-names");
let state = readJson("state");
const locale = data.language === "en" ? "en-GB" : "vi-VN";
let alerted = state.status === "called" ? state.called_at : null; // the call we vibrated for
let wantsVibration = false;
const canVibrate = typeof navigator.vibrate === "function";
let pollTimer = null;
let socket = null;

/* The server gives the range, so the paper ticket and every screen agree. */
function waitRange(range) {
  return { low: range[0], high: range[1] };
}

function clock(moment) {
  return moment.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZone: data.timezone });
}

function aheadText(ahead) {
  if (ahead === 0) return strings.ahead_none;
  return ahead === 1 ? strings.ahead_one : fill(strings.ahead_many, { n: ahead });
}

function describe(ticket) {
  const counter = ticket.counter;
  switch (ticket.status) {
    case "waiting":
      return [
        strings.title_waiting,
        aheadText(ticket.ahead),
        ticket.call_window
          ? fill(strings.window, ticket.call_window) // the window as the queue stands now
          : fill(strings.wait, waitRange(ticket.estimated_wait_range_min)),
      ];
    case "called":
      return [
        strings.title_called,
        fill(strings.counter, { n: counter }),
        ticket.called_at ? fill(strings.called_at, { time: clock(new Date(ticket.called_at)) }) : "",
      ];
    case "serving":
      return [strings.title_serving, fill(strings.serving, { n: counter }), ""];
    case "done":
      return [strings.title_done, strings.done, ""];
    case "no_show":
      return [
        strings.title_no_show,
        counter ? fill(strings.no_show, { n: counter }) : strings.no_show_anywhere,
        "",
      ];
    case "cancelled":
      return [strings.title_cancelled, strings.cancelled, ""];
    case "expired":
      return [strings.title_expired, strings.expired, ""];
    default:
      return [strings.title_gone, strings.gone, ""];
  }
}

function render(ticket) {
  const words = describe(ticket);
  $("status").dataset.status = ticket.status;
  $("status-title").textContent = words[0];
  $("status-main").textContent = words[1];
  $("status-detail").textContent = words[2];
  $("status-detail").hidden = !words[2];
  $("alert-choice").hidden = !canVibrate || ticket.status !== "waiting";
  $("live-advice").hidden = ticket.status !== "waiting";
  if (serviceNames[ticket.service]) $("service").textContent = serviceNames[ticket.service];
  offerRating(ticket);
  document.title =
    ticket.status === "called"
      ? fill(strings.page_called, { label: ticket.label, n: ticket.counter })
      : ticket.label + " — " + words[0];
  if (ticket.status === "called" && ticket.called_at !== alerted) {
    alerted = ticket.called_at;
    if (wantsVibration && navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 800]);
  }
}

function updated(ok) {
  $("updated").textContent = ok ? fill(strings.updated, { time: clock(new Date()) }) : strings.offline;
  $("updated").classList.toggle("is-offline", !ok);
}

function schedule() {
  clearTimeout(pollTimer);
  if (!FINAL[state.status]) pollTimer = setTimeout(refresh, POLL_MS);
  else if (socket) socket.disconnect();
}

async function refresh() {
  clearTimeout(pollTimer);
  try {
    const ticket = await api("GET", data.ticketUrl, undefined, { cache: "no-store" });
    state = ticket;
    render(ticket);
    updated(true);
    schedule();
  } catch (error) {
    if (error.status === 404) {
      // the server no longer knows the ticket: nothing more to wait for, so no more polling
      state = { label: state.label, status: "gone" };
      render(state);
      updated(true);
      return;
    }
    updated(false);
    schedule();
  }
}

function offerVibration() {
  const button = $("alert-choice");
  button.addEventListener("click", () => {
    wantsVibration = !wantsVibration;
    button.setAttribute("aria-pressed", String(wantsVibration));
    if (wantsVibration) navigator.vibrate(200); // a tap lets the page vibrate later
  });
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && !FINAL[state.status]) refresh();
});

offerVibration();
render(state);
updated(true);
schedule();
/* My ticket's call and moves arrive at once over its own socket room; the poll is the
   safety net. */
socket = openSocket("/track", {
  query: { token: data.token },
  on: { called: refresh, ticket: refresh },
  connected: () => {
    if (!FINAL[state.status]) refresh();
  },
});
