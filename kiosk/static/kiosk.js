/* The kiosk: department -> service -> who it is for -> the ticket on screen, then back.
   A citizen ID card scanned on the way (card.js, camera.js) makes an elderly holder's ticket
   priority without a tap: it is taken at once once the service is known.

   The page arrives with today's services; live.js keeps them current (the /kiosk socket, or
   GET /api/services every 30 s while it is down).
   For everyone: each step's heading takes the focus (a screen reader says it); a visitor who
   stops mid-way is asked before the kiosk resets (timeout.js); help.js reads the screen aloud
   and calls a guide; access.js keeps large text and high contrast until the visitor leaves.
   Every word comes from the template (#strings), every URL from data-* attributes.
   This file is the flow between the screens; each screen or part of one has its module: lists.js
   (departments, services), chosen.js (the service chosen), ticket.js (the ticket on screen),
   held_card.js (the ID card held for the next ticket), booking.js, dossier.js, clock.js. */

import { api } from "../../static/js/api.js";
import { offerPairing } from "../../static/js/device.js";
import { $, readJson } from "../../static/js/dom.js";
import { aidsOn, resetAids, toggleAid } from "./access.js";
import { watchCamera } from "./camera.js";
import { bookingScreen } from "./booking.js";
import { renderChosenService } from "./chosen.js";
import { startClock } from "./clock.js";
import { dossierScreen, isDossierCode } from "./dossier.js";
import { listenForScans, readCard } from "./card.js";
import { cardHolder } from "./held_card.js";
import { helpButton } from "./help.js";
import { departments, renderDepartments, renderServices } from "./lists.js";
import { listen } from "./live.js";
import { departmentName, strings } from "./page.js";
import { ticketScreen } from "./ticket.js";
import { idleWarning } from "./timeout.js";

const TAP_GUARD_MS = 450; // a double tap must not also press what appears under the finger
const IDLE_MS = 60000; // a visitor who walked away mid-way is asked, then back to the start
const ERROR_MS = 30000;
const AIDS_IDLE_MS = 90000; // the start screen left in large text or calling a guide: plain again
const REQUEST_TIMEOUT_MS = 10000;

const root = $("kiosk");
const data = root.dataset;
let services = readJson("services");
const idle = idleWarning(goHome);
const guide = helpButton(data, () => ({
  screen: state.screen,
  department: state.department,
  service: state.screen === "ticket" ? ticket.service() : state.service,
  label: state.screen === "ticket" ? $("ticket-label").textContent : null,
}));

const state = { screen: "departments", department: null, service: null, paper: true };
let busy = false;
let settledAt = 0; // taps before this moment are the tail of the tap that changed the screen
let settleTimer = null;
const idCard = cardHolder(Number(data.elderlyAge));
const ticket = ticketScreen(data, { show, home: goHome, findService, idCard });

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
  renderChosenService(service);
}

function render() {
  renderDepartments($("department-list"), services);
  if (state.screen === "services") showServices();
  if (state.screen === "priority") renderChosen();
}

function show(screen) {
  state.screen = screen;
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
  ticket.stop();
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
    ticket.stop();
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

/* A scanner or the camera read a QR code: the holder's booking is checked in if the card
   booked one; else the card is kept for the next ticket (a minute at most), and an elderly
   holder's ticket is taken as soon as the service is known. */
async function scanned(text) {
  const read = readCard(text, data.timezone);
  if (!read && isDossierCode(text.trim()) && !busy) return dossier.scanned(text);
  if (!read) {
    idCard.unreadable();
    return;
  }
  if (busy) return;
  busy = true;
  const booked = await bookings.checkInCard(text).finally(() => {
    busy = false;
  });
  if (booked) return;
  const card = idCard.keep(text, read);
  if (state.screen === "ticket" || state.screen === "error") showDepartments();
  const serviceKnown = state.screen === "priority";
  idCard.say(!serviceKnown);
  if (serviceKnown && card.elderly && !busy) issue(null);
  armIdle();
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
  ticket.stop();
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
  const card = idCard.held();
  if (card) request.id_qr = card.text;
  try {
    const answer = await api("POST", data.ticketsUrl, request, { timeoutMs: REQUEST_TIMEOUT_MS });
    if (answer) ticket.show(answer, (button && button.dataset.name) || "");
    else showError("network"); // an answer cut short: as good as none
  } catch (error) {
    if (error.code === "bad_id_qr") {
      // the server could not read the card: say so, and let the visitor choose as usual
      idCard.unreadable();
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
    const card = idCard.held();
    if (card) idCard.say(false);
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
    if (state.screen === "ticket") ticket.moreTime();
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
  showTicket: (answer) => ticket.show(answer, ""),
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
  showTicket: (answer) => ticket.show(answer, ""),
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
  } else if (!button && state.screen === "ticket" && ticket.tapEnds()) {
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
    // the agent could not print a ticket: if it is the one on screen, say so
    if (!status.ok && status.ticket) ticket.printFailed(status.ticket, state.screen === "ticket");
  },
});

document.addEventListener("contextmenu", (event) => event.preventDefault());
document.addEventListener("keydown", () => armIdle()); // a keyboard or a scanner is someone there
listenForScans(scanned);
if (data.camera) watchCamera($("camera"), scanned);
render();
show("departments");
offerPairing("kiosk"); // ?pair=1 shows the pairing code; a revoked token is forgotten
startClock($("clock"), data.timezone);
