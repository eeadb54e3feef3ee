/* The live monitor: queues against their targets and counters with their clerks, kept live by
 * the /counter socket (a push only says "something changed": the page then re-reads both lists,
 * at most every REFRESH_MS), and the supervisor's acts: move a clerk, close a counter (through
 * admin.js's confirmation), find a ticket and change its priority, cancel or reactivate it. The
 * rebalancing advice is monitor_advice.js's, told by a "hall-read" event after each read. */

import { $, element, fill, readJson } from "../../static/js/dom.js";
import { openSocket } from "../../static/js/live.js";
import { lowRatings } from "./low_ratings.js";
import { api, describe, FormError, showError, toast } from "./page.js";
import { kioskHelp } from "./kiosk_help.js";

const monitor = $("monitor");
const urls = monitor.dataset;
const strings = readJson("monitor-strings");
const serviceNames = readJson("service-names");
const priorityNames = readJson("priority-names");
const REFRESH_MS = 400;
const TICK_MS = 15000;
const low = lowRatings(urls.lowRatingsUrl, strings);

const state = { counters: [], queues: [], readAt: Date.now(), ticket: null, moving: null };
const withKey = (url, key) => url.replace("KEY", encodeURIComponent(key));
const minutes = (seconds) => fill(strings.minutes, { minutes: Math.floor(seconds / 60) });
const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

// ---------- reading and drawing ----------

let pending = null;

function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    refresh();
  }, REFRESH_MS);
}

async function refresh() {
  try {
    const [counters, queues] = await Promise.all([
      api("GET", urls.countersUrl),
      api("GET", urls.queuesUrl),
    ]);
    Object.assign(state, { counters, queues, readAt: Date.now() });
    draw();
    monitor.dataset.loaded = "true";
    monitor.dispatchEvent(new CustomEvent("hall-read")); // the advice reads again (monitor_advice.js)
  } catch (error) {
    toast(describe(error), "error");
  }
}

function draw() {
  drawQueues();
  drawCounters();
  const sum = (list, pick) => list.reduce((total, item) => total + pick(item), 0);
  $("stat-waiting").textContent = sum(state.queues, (queue) => queue.waiting);
  $("stat-open").textContent = sum(state.counters, (counter) => (counter.status === "open" ? 1 : 0));
  $("stat-paused").textContent = sum(state.counters, (counter) => (counter.status === "paused" ? 1 : 0));
  const alerts = sum(state.queues, (queue) => (queue.over_target || queue.unserved ? 1 : 0));
  $("stat-alerts").textContent = alerts;
  $("stat-alerts-box").dataset.alert = String(alerts > 0);
}

function row(templateId) {
  return $(templateId).content.firstElementChild.cloneNode(true);
}

function drawQueues() {
  const elapsed = Math.round((Date.now() - state.readAt) / 1000);
  const rows = state.queues.map((queue) => {
    const line = row("queue-row");
    line.dataset.service = queue.service;
    line.querySelector(".code").textContent = queue.service;
    line.querySelector(".queue-name").textContent = serviceNames[queue.service] || queue.name;
    line.querySelector(".queue-waiting").textContent = queue.waiting;
    line.querySelector(".queue-priority").textContent = queue.priority_waiting;
    const longest = queue.waiting ? queue.longest_wait_s + elapsed : 0;
    line.querySelector(".queue-longest").textContent = queue.waiting
      ? minutes(longest) + " / " + fill(strings.target, { minutes: queue.target_wait_min })
      : "–";
    const alert = line.querySelector(".alert-chip");
    const over = queue.waiting > 0 && longest > queue.target_wait_min * 60;
    alert.hidden = !(over || queue.unserved);
    alert.textContent = queue.unserved ? strings.unserved : strings.overTarget;
    line.dataset.alert = String(!alert.hidden);
    line.querySelector(".queue-counters").textContent = queue.open_counters.join(", ") || strings.none;
    line.querySelector(".queue-bookings").textContent = queue.booked
      ? queue.checked_in + " / " + queue.booked
      : "–";
    return line;
  });
  $("queue-rows").replaceChildren(...(rows.length ? rows : [emptyRow(6, strings.noQueues)]));
}

function emptyRow(columns, text) {
  const cell = element("td", "empty", text);
  cell.colSpan = columns;
  const line = element("tr");
  line.append(cell);
  return line;
}

function drawCounters() {
  const rows = state.counters.map((counter) => {
    const line = row("counter-row");
    line.dataset.number = counter.number;
    line.querySelector(".counter-number").textContent = counter.number;
    const plainName = !counter.name || counter.name === "Quầy " + counter.number;
    line.querySelector(".counter-name").textContent = plainName ? "" : counter.name;
    const chip = line.querySelector(".status-chip");
    chip.dataset.status = counter.status;
    chip.textContent = strings.status[counter.status] || counter.status;
    line.querySelector(".counter-clerk").textContent = counter.clerk || "";
    line.querySelector(".counter-reason").textContent = counter.status === "paused" ? counter.status_reason || "" : "";
    const ticket = counter.ticket;
    line.querySelector(".counter-ticket").textContent = ticket
      ? fill(strings.since, {
          label: ticket.label,
          status: strings.ticketStatus[ticket.status].toLowerCase(),
          time: clock(ticket.started_at || ticket.called_at),
        })
      : "";
    const waiting = Object.values(counter.waiting).reduce((total, count) => total + count, 0);
    line.querySelector(".counter-waiting").textContent = waiting;
    const working = counter.status !== "closed";
    const move = line.querySelector("[data-move]");
    move.hidden = !working;
    move.disabled = Boolean(ticket);
    const close = line.querySelector("[data-close]");
    close.hidden = !working;
    close.disabled = Boolean(ticket);
    Object.assign(close.dataset, {
      actionUrl: withKey(urls.closeUrl, counter.number),
      actionMethod: "POST",
      confirm: fill(strings.confirmClose, { number: counter.number }),
      confirmText: fill(strings.confirmCloseText, { clerk: counter.clerk || "" }),
      confirmButton: strings.status.closed,
    });
    return line;
  });
  $("counter-rows").replaceChildren(...(rows.length ? rows : [emptyRow(5, strings.noCounters)]));
}

// ---------- moving a clerk ----------

function openMove(number) {
  const counter = state.counters.find((item) => item.number === number);
  if (!counter) return;
  const free = state.counters.filter((item) => item.status === "closed");
  const select = $("move-to");
  select.replaceChildren(
    ...free.map((item) => new Option(item.name ? item.number + " · " + item.name : String(item.number), item.number))
  );
  const form = $("move-form");
  showError(form, free.length ? null : new FormError(strings.noFreeCounter));
  form.querySelector('[type="submit"]').disabled = !free.length;
  $("move-title").textContent = fill(strings.moveTitle, { clerk: counter.clerk, number });
  state.moving = counter;
  $("move-dialog").showModal();
  select.focus();
}

async function submitMove(event) {
  event.preventDefault();
  const counter = state.moving;
  const to = Number($("move-to").value);
  await act($("move-form"), "POST", withKey(urls.moveUrl, counter.number), { to },
    fill(strings.moved, { clerk: counter.clerk, number: to }));
}

// ---------- finding a ticket ----------

async function findTicket(event) {
  if (event) event.preventDefault();
  const label = $("find-label").value.trim();
  const error = $("find-error");
  error.hidden = true;
  try {
    state.ticket = await api("GET", withKey(urls.findUrl, label));
    drawTicket();
  } catch (failure) {
    $("ticket-card").hidden = true;
    error.textContent = failure.status === 404 ? fill(strings.notFound, { label: label.toUpperCase() }) : describe(failure);
    error.hidden = false;
  }
}

function drawTicket() {
  const { ticket, ahead, events } = state.ticket;
  $("ticket-label").textContent = ticket.label;
  const chip = $("ticket-status");
  chip.dataset.status = ticket.status;
  chip.textContent = strings.ticketStatus[ticket.status] || ticket.status;
  const priority = $("ticket-priority");
  priority.hidden = !ticket.priority;
  priority.textContent = priorityNames[ticket.priority] || ticket.priority || "";
  const facts = [fill(strings.facts, { service: serviceNames[ticket.queue] || ticket.queue, time: clock(ticket.issued_at) })];
  if (ticket.status === "waiting") facts.push(fill(strings.factsAhead, { ahead }));
  if (ticket.counter) facts.push(fill(strings.factsCounter, { counter: ticket.counter, clerk: ticket.clerk || "" }));
  $("ticket-facts").textContent = facts.join(" · ");
  $("ticket-history").replaceChildren(
    ...events.map((event) => {
      const item = document.createElement("li");
      const who = [event.counter ? fill(strings.factsCounter, { counter: event.counter, clerk: event.clerk || "" }) : event.clerk]
        .filter(Boolean);
      const reason = event.data && event.data.reason ? ["“" + event.data.reason + "”"] : [];
      item.textContent = [clock(event.at), strings.events[event.kind] || event.kind, ...who, ...reason].join(" · ");
      return item;
    })
  );
  $("ticket-make-priority").hidden = ticket.status !== "waiting";
  $("ticket-cancel").hidden = ticket.status !== "waiting";
  $("ticket-reactivate").hidden = ticket.status !== "no_show";
  $("ticket-card").hidden = false;
}

function openTicketDialog(name) {
  const ticket = state.ticket.ticket;
  const form = $(name + "-form");
  form.reset();
  showError(form, null);
  form.querySelector('[type="submit"]').disabled = false;
  $(name + "-title").textContent = fill(strings[name + "Title"], { label: ticket.label });
  if (name === "priority") {
    const current = form.querySelector('input[name="priority"][value="' + (ticket.priority || "") + '"]');
    if (current) current.checked = true;
  }
  $(name + "-dialog").showModal();
  form.elements.reason.focus();
}

function submitTicket(name, event) {
  event.preventDefault();
  const ticket = state.ticket.ticket;
  const form = $(name + "-form");
  const reason = form.elements.reason.value.trim();
  const payload = name === "priority" ? { priority: form.elements.priority.value || null, reason } : { reason };
  const url = withKey(name === "priority" ? urls.priorityUrl : urls.cancelUrl, ticket.id);
  act(form, "POST", url, payload, fill(strings[name === "priority" ? "prioritised" : "cancelled"], { label: ticket.label }));
}

async function reactivate() {
  const ticket = state.ticket.ticket;
  try {
    await api("POST", withKey(urls.reactivateUrl, ticket.id));
    toast(fill(strings.reactivated, { label: ticket.label }));
    await findTicket();
  } catch (error) {
    toast(describe(error), "error");
  }
}

/** Send an act from a dialog's form; on success close it, say so, and read the hall again. */
async function act(form, method, url, payload, message) {
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  showError(form, null);
  try {
    await api(method, url, payload);
    form.closest("dialog").close();
    toast(message);
    if (state.ticket && $("find-label").value.trim()) await findTicket();
    refresh();
  } catch (error) {
    showError(form, error);
    button.disabled = false;
  }
}

// ---------- live ----------

function setLive(connected) {
  const live = $("live");
  live.dataset.connected = String(connected);
  live.textContent = connected ? strings.live : strings.offline;
}

function connect() {
  setLive(false);
  openSocket(urls.socketNamespace, {
    showLive: setLive,
    connected: () => {
      refreshSoon(); // whatever changed while the socket was down
      low.load();
    },
    on: { board: refreshSoon, counter: refreshSoon, kiosk_help: kioskHelp, low_rating: low.add },
  });
}

$("counter-rows").addEventListener("click", (event) => {
  const button = event.target.closest("[data-move]");
  if (button) openMove(Number(button.closest("tr").dataset.number));
});
$("move-form").addEventListener("submit", submitMove);
monitor.addEventListener("hall-changed", refreshSoon); // advice applied (monitor_advice.js)
$("find-form").addEventListener("submit", findTicket);
$("ticket-make-priority").addEventListener("click", () => openTicketDialog("priority"));
$("ticket-cancel").addEventListener("click", () => openTicketDialog("cancel"));
$("ticket-reactivate").addEventListener("click", reactivate);
$("priority-form").addEventListener("submit", (event) => submitTicket("priority", event));
$("cancel-form").addEventListener("submit", (event) => submitTicket("cancel", event));

refresh();
low.load();
connect();
setInterval(drawQueues, TICK_MS); // the longest waits grow between pushes
