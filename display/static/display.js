/* The hall display: the latest call in large type, the last calls, the queues, a clock, and the
 * spoken announcements, one at a time and in order.
 *
 * It listens to the `/display` socket: `board` is a whole snapshot (rendered as it comes, so a
 * screen that reconnects is whole again), `called` is one call with its audio. `seq` orders the
 * calls: a board older than what is shown is ignored, a call already announced is not again.
 *
 * The announcements (announcer.js) leave read-only hooks on <body> for tests and a technician.
 */

import { $, fill, readJson } from "../../static/js/dom.js";
import { offerPairing } from "../../static/js/device.js";
import { openSocket } from "../../static/js/live.js";
import { announce, reloadWhenSilent } from "./announcer.js";

const body = document.body;
const strings = readJson("strings");
const serviceNames = Object.fromEntries(readJson("service-names").map((s) => [s.code, s.name]));
const counterNames = readJson("counter-names");
// A display of part of the hall (?display=ID, [[displays]] in the center file) shows the calls
// of its counters, or of its departments' services; null shows everything.
const scope = readJson("scope");
const inScope = (call) =>
  !scope ||
  (scope.counters ? scope.counters.includes(call.counter) : scope.services.includes(call.service));
const english = body.dataset.language === "en";
const FLASH_MS = 6500; // the CSS blink lasts 6 s
const CLOCK_RESYNC_MS = 30000;

// ---------- clock (the server's time, in the center's time zone) ----------

let clockOffsetMs = Date.parse(body.dataset.serverNow) - Date.now() || 0;

function formatters() {
  const zone = body.dataset.timezone;
  const make = (locale, options) => {
    try {
      return new Intl.DateTimeFormat(locale, Object.assign({ timeZone: zone }, options));
    } catch (_error) {
      return new Intl.DateTimeFormat(locale, options);
    }
  };
  return {
    time: make("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }),
    weekday: make("vi-VN", { weekday: "long" }),
    numeric: make("en-GB", { day: "2-digit", month: "2-digit", year: "numeric" }),
    english: make("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
  };
}

const format = formatters();

function capitalized(text) {
  return text.replace(/(^|\s)(\p{Ll})/gu, (_m, space, letter) => space + letter.toUpperCase());
}

function tick() {
  const moment = new Date(Date.now() + clockOffsetMs);
  $("clock-time").textContent = format.time.format(moment);
  $("clock-date").textContent = english
    ? format.english.format(moment)
    : capitalized(format.weekday.format(moment)) + ", " + format.numeric.format(moment);
  setTimeout(tick, 1000 - (Date.now() % 1000) + 20);
}

// ---------- the board ----------

const state = {
  seq: null, // the latest call seq shown
  floor: null, // calls at or below this were made before the screen started: never spoken
  spoken: new Set(), // seqs already queued for speech (duplicates are ignored)
  shownKey: null,
  calls: [],
};
let flashTimer = null;

function callKey(call) {
  return call.label + "|" + call.counter + "|" + call.at;
}

function counterText(number) {
  return fill(strings.counter, { number });
}

function showNow(call, flash) {
  const now = $("now");
  const label = $("now-label");
  label.textContent = call.label;
  label.dataset.length = String(call.label.length);
  $("now-counter").textContent = call.counter;
  const parts = [serviceNames[call.service] || call.service];
  if (counterNames[call.counter]) parts.unshift(counterNames[call.counter]);
  $("now-service").textContent = parts.join(" · ");
  $("now-priority").hidden = !call.priority;
  now.dataset.state = "called";
  state.shownKey = callKey(call);
  if (flash) {
    now.classList.remove("flash");
    void now.offsetWidth; // restart the animation for a call that comes while one flashes
    now.classList.add("flash");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => now.classList.remove("flash"), FLASH_MS);
  }
}

function showNoCall() {
  $("now").dataset.state = "empty";
  $("now-label").textContent = "––––";
  $("now-counter").textContent = "––";
  $("now-service").textContent = strings.waitingFirst;
  $("now-priority").hidden = true;
  state.shownKey = null;
}

function renderRecent() {
  const slots = $("recent-calls").children;
  for (let index = 0; index < slots.length; index += 1) {
    const slot = slots[index];
    const call = state.calls[index];
    slot.dataset.empty = String(!call);
    slot.querySelector(".recent-label").textContent = call ? call.label : "";
    slot.querySelector(".recent-counter").textContent = call ? counterText(call.counter) : "";
    slot.dataset.priority = String(Boolean(call && call.priority));
  }
}

function renderWaiting(waiting) {
  let total = 0;
  for (const item of document.querySelectorAll(".waiting-item")) {
    const count = waiting[item.dataset.service] || 0;
    total += count;
    item.querySelector(".waiting-count").textContent = count;
    item.dataset.empty = String(count === 0);
  }
  $("waiting-total").textContent = total;
}

function onBoard(board) {
  if (state.seq !== null && board.seq < state.seq) return; // an older snapshot, overtaken
  const first = state.floor === null;
  if (first) state.floor = board.seq;
  state.seq = board.seq;
  state.calls = (board.calls || []).filter(inScope).slice(0, 8);
  renderWaiting(board.waiting || {});
  const latest = state.calls[0];
  const changed = latest && callKey(latest) !== state.shownKey;
  renderRecent();
  if (latest) {
    if (changed) showNow(latest, !first);
  } else {
    showNoCall();
  }
}

function onCalled(call) {
  if (state.floor !== null && call.seq <= state.floor) return; // made before this screen began
  if (state.spoken.has(call.seq)) return; // the same event twice
  state.spoken.add(call.seq);
  if (state.spoken.size > 500) state.spoken.delete(state.spoken.values().next().value);
  if (!inScope(call)) return; // another part of the hall: its own display says it
  const serverMoment = Date.parse(call.at);
  if (Math.abs(serverMoment - Date.now() - clockOffsetMs) > CLOCK_RESYNC_MS) {
    clockOffsetMs = serverMoment - Date.now();
  }
  if (state.seq === null || call.seq >= state.seq) {
    state.seq = call.seq;
    state.calls = [call].concat(state.calls.filter((c) => c.label !== call.label)).slice(0, 8);
    renderRecent();
    showNow(call, true);
  }
  announce(call);
}

// ---------- connection ----------

function setConnected(connected) {
  body.dataset.connected = String(connected);
  $("connection-text").textContent = connected ? strings.connected : strings.disconnected;
}

function connect() {
  openSocket(body.dataset.socketNamespace, {
    query: body.dataset.display ? { display: body.dataset.display } : {},
    showLive: setConnected,
    on: { board: onBoard, called: onCalled, configuration: reloadWhenSilent },
  });
}

tick();
// A display works unpaired; ?pair=1 shows its pairing code first, so that its socket then comes
// as the paired display (the admin's devices page shows it connected).
offerPairing("display").then(connect, connect);
