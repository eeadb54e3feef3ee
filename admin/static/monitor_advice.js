/* The monitor's rebalancing advice: read from GET /api/advice/moves when the page opens, every
 * minute (waits grow with the clock, not only on the events the sockets push) and whenever the
 * monitor has read the hall again (its "hall-read" event), at most every few seconds. "Apply"
 * makes the move through POST /api/advice/<id>/apply and keeps the line, marked applied; the
 * monitor then reads the hall again ("hall-changed"). */

import { $, fill, readJson } from "../../static/js/dom.js";
import { api, describe, toast } from "./page.js";

const REFRESH_MS = 60 * 1000;
const QUIET_MS = 3000;
const box = $("advice");
const monitor = $("monitor");
const strings = readJson("advice-strings");
const serviceNames = readJson("service-names");
const applied = new Map(); // advice id -> the move, shown as applied until the page reloads
let current = [];
let lastRead = 0;
let waiting = null;

const withKey = (url, key) => url.replace("KEY", encodeURIComponent(key));
const serviceName = (code) => serviceNames[code] || code;

function text(move) {
  const values = {
    clerk: move.clerk_name || move.clerk,
    from: move.from_counter,
    from_service: serviceName(move.from_service),
    waiting: move.from_waiting,
    to: move.to_counter,
    service: serviceName(move.to_service),
    now: move.wait_now_min,
    after: move.wait_after_min,
  };
  return fill(move.from_service ? strings.move : strings.moveFromEmpty, values);
}

function line(move, decided) {
  const item = $("advice-item").content.firstElementChild.cloneNode(true);
  item.dataset.advice = move.id;
  item.dataset.decision = decided ? "applied" : "pending";
  item.querySelector(".advice-text").textContent = text(move);
  item.querySelector(".advice-actions").hidden = decided;
  item.querySelector(".advice-decision").hidden = !decided;
  return item;
}

function render() {
  const shown = current.filter((move) => !applied.has(move.id));
  $("advice-list").replaceChildren(
    ...[...applied.values()].map((move) => line(move, true)),
    ...shown.map((move) => line(move, false))
  );
  box.hidden = applied.size === 0 && shown.length === 0;
  box.dataset.loaded = "true";
}

async function read() {
  lastRead = Date.now();
  try {
    current = await api("GET", box.dataset.url);
    render();
  } catch (_error) {
    // Left as it was: the next read tries again, and the monitor's own line says offline.
  }
}

function readSoon() {
  if (waiting) return;
  const wait = Math.max(0, lastRead + QUIET_MS - Date.now());
  waiting = setTimeout(() => {
    waiting = null;
    read();
  }, wait);
}

async function decide(button, url, onDone) {
  const item = button.closest("[data-advice]");
  const move = current.find((candidate) => String(candidate.id) === item.dataset.advice);
  item.querySelectorAll("button").forEach((each) => { each.disabled = true; });
  try {
    await api("POST", withKey(url, item.dataset.advice));
    onDone(move);
  } catch (error) {
    toast(describe(error), "error");
  }
  monitor.dispatchEvent(new CustomEvent("hall-changed"));
  read();
}

$("advice-list").addEventListener("click", (event) => {
  const apply = event.target.closest("[data-apply]");
  if (apply) {
    decide(apply, box.dataset.applyUrl, (move) => {
      applied.set(move.id, move);
      toast(fill(strings.applied, { clerk: move.clerk_name || move.clerk, number: move.to_counter }));
    });
  }
  const dismiss = event.target.closest("[data-dismiss-advice]");
  if (dismiss) decide(dismiss, box.dataset.dismissUrl, () => {});
});
monitor.addEventListener("hall-read", readSoon);

read();
setInterval(read, REFRESH_MS);
