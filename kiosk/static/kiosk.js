/* The kiosk: department -> service -> who it is for -> the ticket on screen, then back.
   A citizen ID card scanned on the way (card.js, camera.js) makes an elderly holder's ticket
   priority without a tap: it is taken at once once the service is known.

   The page arrives with today's services; live.js keeps them current (the /kiosk socket, or
   GET /api/services every 30 s while it is down).
   For everyone: each step's heading takes the focus (a screen reader says it); a visitor who
   stops mid-way is asked before the kiosk resets (timeout.js); help.js reads the screen aloud
   and calls a guide; access.js keeps large text and high contrast until the visitor leaves.
   Every word comes from the template (#strings), every URL from data-* attributes. */

import { api } from "../../static/js/api.js";
import { offerPairing } from "../../static/js/device.js";
import { $, element, fill, readJson } from "../../static/js/dom.js";
import { aidsOn, resetAids, toggleAid } from "./access.js";
import { watchCamera } from "./camera.js";
import { bookingScreen } from "./booking.js";
import { dossierScreen, isDossierCode } from "./dossier.js";
import { listenForScans, readCard } from "./card.js";
import { helpButton } from "./help.js";
import { departments, renderDepartments, renderServices } from "./lists.js";
import { listen } from "./live.js";
import { departmentName, english, serviceName, strings, waitRange } from "./page.js";
import { idleWarning } from "./timeout.js";

const TAP_GUARD_MS = 450; // a double tap must not also press what appears under the finger
const TICKET_GUARD_MS = 1500;
const IDLE_MS = 60000; // a visitor who walked away mid-way is asked, then back to the start
const TICKET_MS = 40000; // time to read the number, the wait and the QR code, slowly
const TICKET_PHOTO_MS = 60000; // no paper: leave time to photograph the QR code
const ERROR_MS = 30000;
const AIDS_IDLE_MS = 90000; // the start screen left in large text or calling a guide: plain again
const REQUEST_TIMEOUT_MS = 10000;
const CARD_MS = 60000; // a card scanned before the service is chosen counts this long

const root = $("kiosk");
const data = root.dataset;
let services = readJson("services");
const idle = idleWarning(goHome);
const guide = helpButton(data, () => ({
  screen: state.screen,
  department: state.department,
  service: state.screen === "ticket" ? state.ticketService : state.service,
  label: state.screen === "ticket" ? $("ticket-label").textContent : null,
}));

const state = { screen: "departments", department: null, service: null, paper: true };
let busy = false;
let settledAt = 0; // taps before this moment are the tail of the tap that changed the screen
let ticketShownAt = 0;
let settleTimer = null;
let countdownTimer = null;
let countdownTotal = TICKET_MS;
let printFailures = []; // this kiosk's latest tickets its print agent could not print
let card = null; // the ID card scanned for the next ticket: {text, birthYear, elderly}
let cardTimer = null;
const elderlyAge = Number(data.elderlyAge);

function findService(code) {
  return services.find((service) => service.code === code) || null;
}

function showServices() {
  const department = departments(services).find((each) => each.code === state.department);
  if (!department) return showDepartments();
  $("department-name").textContent = departmentName(department.services[0]);
  renderServices($("service-list"), department.services);
}

function renderChosen() {
  const service = findService(state.service);
  if (!service) return showDepartments();
  $("chosen-service").replaceChildren(
    element("span", "chosen-code", service.code),
    element("span", "chosen-name", serviceName(service))
  );
  renderGuide(service.guide);
}

/* "Bạn cần mang theo: ..." before the ticket is taken, when the center wrote the service's guide. */
function renderGuide(guide) {
  $("chosen-guide").hidden = !guide;
  if (!guide) return;
  $("guide-papers").replaceChildren(...guide.papers.map((paper) => element("li", "", paper)));
  const facts = [];
  if (guide.fee) facts.push(fill(strings.guide_fee, { fee: guide.fee }));
  if (guide.processing) facts.push(fill(strings.guide_processing, { time: guide.processing }));
  $("guide-facts").textContent = facts.join(" · ");
}

function render() {
  renderDepartments($("department-list"), services);
  if (state.screen === "services") showServices();
  if (state.screen === "priority") renderChosen();
}

function show(screen) {
  state.screen = screen;
  if (screen === "ticket") ticketShownAt = Date.now();
  for (const section of document.querySelectorAll("section[data-screen]")) {
    section.hidden = section.dataset.screen !== screen;
  }
  root.dataset.current = screen;
  window.scrollTo(0, 0);
  const heading = document.querySelector(`section[data-screen="${screen}"] h2[tabindex="-1"]`);
  if (heading) heading.focus({ preventScroll: true }); // announced: the step changed
  armIdle();
}

function armIdle() {
  const delays = { services: IDLE_MS, priority: IDLE_MS, booking: IDLE_MS, error: ERROR_MS };
  if (aidsOn() || guide.shown()) delays.departments = AIDS_IDLE_MS;
  idle.arm(delays[state.screen] || 0);
}

function setPaper(wanted) {
  state.paper = wanted;
  $("paperless").setAttribute("aria-checked", String(!wanted));
}

function showDepartments() {
  clearInterval(countdownTimer);
  state.department = null;
  state.service = null;
  setPaper(true);
  renderDepartments($("department-list"), services);
  show("departments");
}

/* The next visitor's start screen, in the center's language and plain: nobody inherits
   "English", large text or a guide's call. */
function goHome() {
  resetAids();
  guide.forget();
  leave();
}

function leave() {
  if (data.language !== data.centerLanguage || state.configurationChanged) {
    clearInterval(countdownTimer);
    idle.clear();
    window.location.assign(data.homeUrl);
    return;
  }
  showDepartments();
}

function goBack() {
  if (state.screen === "priority" || state.screen === "error") {
    showServices();
    show("services");
  } else {
    showDepartments();
  }
}

function countdown(totalMs, then) {
  clearInterval(countdownTimer);
  countdownTotal = totalMs;
  const ends = Date.now() + totalMs;
  const bar = $("countdown-bar");
  function tick() {
    const left = Math.max(0, ends - Date.now());
    $("countdown").textContent = fill(strings.countdown, { n: Math.ceil(left / 1000) });
    bar.style.width = (100 * left) / totalMs + "%"; // CSSOM, which the CSP allows
    if (left === 0) then();
  }
  tick();
  countdownTimer = setInterval(tick, 250);
}

function cardLine(read, waiting) {
  const line = fill(read.elderly ? strings.card_elderly : strings.card_young, {
    year: read.birthYear,
    age: elderlyAge,
  });
  return waiting ? line + " " + strings.card_waiting : line;
}

function showCardNotice(text, kind) {
  const notice = $("card-notice");
  notice.textContent = text;
  notice.dataset.kind = kind;
  notice.hidden = !text;
}

function forgetCard() {
  card = null;
  clearTimeout(cardTimer);
  showCardNotice("", "");
}

/* A scanner or the camera read a QR code: the holder's booking is checked in if the card
   booked one; else the card is kept for the next ticket (a minute at most), and an elderly
   holder's ticket is taken as soon as the service is known. */
async function scanned(text) {
  const read = readCard(text, data.timezone);
  if (!read && isDossierCode(text.trim()) && !busy) return dossier.scanned(text);
  if (!read) {
    forgetCard();
    showCardNotice(strings.card_bad, "bad"); // the buttons work as before
    return;
  }
  if (busy) return;
  busy = true;
  const booked = await bookings.checkInCard(text).finally(() => {
    busy = false;
  });
  if (booked) return;
  card = { text, birthYear: read.birthYear, elderly: read.age >= elderlyAge };
  clearTimeout(cardTimer);
  cardTimer = setTimeout(forgetCard, CARD_MS);
  if (state.screen === "ticket" || state.screen === "error") showDepartments();
  const serviceKnown = state.screen === "priority";
  showCardNotice(cardLine(card, !serviceKnown), card.elderly ? "elderly" : "read");
  if (serviceKnown && card.elderly && !busy) issue(null);
  armIdle();
}

function showTicket(ticket, priorityName) {
  const service = findService(ticket.service);
  $("ticket-label").textContent = ticket.label;
  $("ticket-service").textContent = service ? serviceName(service) : ticket.service;
  const byCard = ticket.priority_source === "id_card";
  $("ticket-card").hidden = !card;
  $("ticket-card").textContent = card
    ? fill(byCard ? strings.card_elderly : strings.card_read, { year: card.birthYear })
    : "";
  if (byCard) priorityName = categoryName(ticket.priority);
  forgetCard();
  $("ticket-priority").hidden = !priorityName;
  $("ticket-priority").textContent = priorityName
    ? fill(strings.priority_of, { name: priorityName })
    : "";
  $("ticket-ahead").textContent = ticket.ahead === 0 ? strings.ahead_none : String(ticket.ahead);
  $("ticket-ahead").classList.toggle("is-words", ticket.ahead === 0);
  $("ticket-wait").textContent = fill(strings.wait_about, waitRange(ticket.estimated_wait_range_min));
  $("ticket-window-fact").hidden = !ticket.call_window;
  $("ticket-window").textContent = ticket.call_window
    ? ticket.call_window.from + " – " + ticket.call_window.to
    : "";
  $("ticket-qr").src = data.qrUrl + "?data=" + encodeURIComponent(ticket.track_url);
  $("ticket-url").textContent = data.publicUrl.replace(/\/+$/, "") + ticket.track_url;
  let status = (ticket.print && ticket.print.status) || "skipped";
  state.ticketId = ticket.id;
  state.ticketService = ticket.service;
  show("ticket");
  // "sent": the kiosk PC's print agent has it; it reports a failure by a `printer` event,
  // which may even come before this answer (a printer that refuses at once).
  if (status === "sent") status = printFailures.includes(ticket.id) ? "failed" : "printed";
  showPrintStatus(status, ticket.print && ticket.print.reason);
}

function showPrintStatus(status, reason) {
  $("print-status").dataset.status = status;
  $("ticket").classList.toggle("is-paperless", status !== "printed");
  // not paired: only the kiosk an admin paired prints on its paper (admin › devices)
  const words = reason === "kiosk_not_paired" ? strings.print_not_paired : strings["print_" + status];
  $("print-text").textContent = words || strings.print_skipped;
  if (status !== "skipped") $("printer-notice").hidden = status === "printed";
  countdown(status === "printed" ? TICKET_MS : TICKET_PHOTO_MS, goHome);
}

function categoryName(code) {
  const button = document.querySelector('.priority[data-priority="' + code + '"]');
  return button ? button.dataset.name : code;
}

const ERROR_KINDS = {
  closed: "closed",
  quota_reached: "quota",
  rate_limited: "rate",
  daily_limit: "daily",
  not_found: "unknown",
  storage: "storage", // 503: the server's disk is full or read-only
};

function showError(code) {
  const kind = ERROR_KINDS[code] || "network";
  // the same choice may work in a moment
  const passing = kind === "network" || kind === "rate" || kind === "storage";
  $("error-retry").hidden = !passing;
  $("error-back").hidden = passing;
  $("error-title").textContent = strings["error_" + kind + "_title"];
  $("error-text").textContent = strings["error_" + kind];
  clearInterval(countdownTimer);
  show("error");
  live.refresh();
}

/* Take the ticket: `button` is the visitor's choice of who it is for (null: an elderly card's
   ticket, taken without a tap). */
async function issue(button) {
  if (busy) return;
  busy = true;
  $("busy").hidden = false;
  const request = { service: state.service, paper: state.paper };
  if (button && button.dataset.priority) request.priority = button.dataset.priority;
  if (data.kiosk) request.kiosk = data.kiosk;
  if (card) request.id_qr = card.text;
  try {
    const ticket = await api("POST", data.ticketsUrl, request, { timeoutMs: REQUEST_TIMEOUT_MS });
    if (ticket) showTicket(ticket, (button && button.dataset.name) || "");
    else showError("network"); // an answer cut short: as good as none
  } catch (error) {
    if (error.code === "bad_id_qr") {
      // the server could not read the card: say so, and let the visitor choose as usual
      forgetCard();
      showCardNotice(strings.card_bad, "bad");
      renderChosen();
      show("priority");
      return;
    }
    // a refusal without an error code in words: "too many" still says more than "try again"
    showError(error.code === "server" && error.status === 429 ? "rate_limited" : error.code);
  } finally {
    busy = false;
    $("busy").hidden = true;
  }
}

const actions = {
  department(button) {
    state.department = button.dataset.code;
    showServices();
    show("services");
  },
  service(button) {
    const service = findService(button.dataset.code);
    if (!service || !service.is_open) return;
    state.service = service.code;
    setPaper(true);
    renderChosen();
    show("priority");
    if (card) showCardNotice(cardLine(card, false), card.elderly ? "elderly" : "read");
    if (card && card.elderly) issue(null); // the card said who it is for
  },
  issue,
  "toggle-paper": () => setPaper(!state.paper),
  retry() {
    renderChosen();
    show("priority");
  },
  back: goBack,
  start: showDepartments,
  home: goHome,
  // on the ticket, the countdown starts again; on the question before a reset, the tap itself
  // (any tap re-arms the idle timer) was the answer
  "more-time": () => {
    if (state.screen === "ticket") countdown(countdownTotal, goHome);
  },
  help: () => guide.help().then(armIdle), // the notice shown: the start screen may now reset
  "toggle-large-text": () => {
    toggleAid("large-text");
    armIdle();
  },
  "toggle-high-contrast": () => {
    toggleAid("high-contrast");
    armIdle();
  },
};

/* A booking checked in at the kiosk, or a visitor whose booking expired taking a normal ticket. */
const bookings = bookingScreen(data, {
  show,
  showTicket: (ticket) => showTicket(ticket, ""),
  request: () => Object.assign({ paper: state.paper }, data.kiosk ? { kiosk: data.kiosk } : {}),
  walkIn(code) {
    const service = findService(code);
    if (!service) return showDepartments();
    state.service = service.code;
    setPaper(true);
    renderChosen();
    show("priority");
  },
});
Object.assign(actions, bookings.actions);

/* A visitor back for a dossier's result ("Trả kết quả"), by the receipt's code. */
const dossier = dossierScreen(data, {
  show,
  showTicket: (ticket) => showTicket(ticket, ""),
  request: () => Object.assign({ paper: state.paper }, data.kiosk ? { kiosk: data.kiosk } : {}),
});
Object.assign(actions, dossier.actions);

/* For a moment after each tap the screen takes no touch (CSS: .is-settling), so the second
   tap of a double tap cannot press the button that just appeared under the finger. */
function settle() {
  settledAt = Date.now() + TAP_GUARD_MS;
  root.classList.add("is-settling");
  clearTimeout(settleTimer);
  settleTimer = setTimeout(() => root.classList.remove("is-settling"), TAP_GUARD_MS);
}

root.addEventListener("click", (event) => {
  if (busy || Date.now() < settledAt) return;
  armIdle();
  const button = event.target.closest("[data-action]");
  if (button && !button.disabled && actions[button.dataset.action]) {
    settle();
    actions[button.dataset.action](button);
  } else if (
    !button &&
    state.screen === "ticket" &&
    $("print-status").dataset.status === "printed" &&
    Date.now() - ticketShownAt > TICKET_GUARD_MS
  ) {
    goHome(); // paper in hand: a tap anywhere ends it
  }
});

const live = listen(data.servicesUrl, data.kiosk || null, {
  services(list) {
    services = list;
    render();
  },
  offline: (isOffline) => {
    $("offline-notice").hidden = !isOffline;
  },
  // The admin changed names or layout: reload, but never under a visitor's finger.
  configuration() {
    state.configurationChanged = true;
    if (state.screen === "departments") leave();
  },
  printer(status) {
    if (status.kiosk !== (data.kiosk || null)) return;
    $("printer-notice").hidden = status.ok;
    if (!status.ok && status.ticket) printFailures = printFailures.slice(-9).concat([status.ticket]);
    if (!status.ok && status.ticket && status.ticket === state.ticketId && state.screen === "ticket") {
      showPrintStatus("failed"); // the agent could not print the ticket on screen: say so
    }
  },
});

function tickClock() {
  const now = new Date();
  const locale = english ? "en-GB" : "vi-VN";
  const zone = { timeZone: data.timezone };
  const date = now.toLocaleDateString(
    locale,
    Object.assign({ weekday: "long", day: "numeric", month: "numeric", year: "numeric" }, zone)
  );
  const time = now.toLocaleTimeString(locale, Object.assign({ hour: "2-digit", minute: "2-digit" }, zone));
  $("clock").textContent = time + " · " + date;
}

document.addEventListener("contextmenu", (event) => event.preventDefault());
document.addEventListener("keydown", () => armIdle()); // a keyboard or a scanner is someone there
listenForScans(scanned);
if (data.camera) watchCamera($("camera"), scanned);
render();
show("departments");
offerPairing("kiosk"); // ?pair=1 shows the pairing code; a revoked token is forgotten
tickClock();
setInterval(tickClock, 10000);
