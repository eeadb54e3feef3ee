/* The terminal as the clerk sees it: which buttons the counter's state allows, the ticket in
 * hand with its timer, and the queues the counter serves. Pure rendering of one state. */

import { serverNow } from "../../static/js/api.js";
import { $, element, fill } from "../../static/js/dom.js";
import { counterTitle, priorityNames, serviceName, strings } from "./page.js";

const LATE_CALL_S = 120; // a visitor called this long ago and not come: the timer turns red

/** Whether the counter's state allows an action now (the server checks it again). */
export function allowed(counter, action) {
  if (!counter) return false;
  const open = counter.status === "open";
  const ticket = counter.ticket ? counter.ticket.status : null;
  switch (action) {
    case "next":
    case "call":
      return open && !ticket;
    case "recall":
    case "start":
    case "no-show":
      return ticket === "called";
    case "finish":
    case "transfer":
    case "return":
      return Boolean(ticket);
    case "pause":
      return open;
    case "resume":
      return counter.status === "paused";
    case "close":
      return !ticket;
    case "priority":
      return counter.status !== "closed";
    default:
      return false;
  }
}

/** Why a refused shortcut did nothing, or "" when there is nothing useful to say. */
export function refusal(counter, action) {
  const errors = strings.errors;
  const calling = action === "next" || action === "call";
  if (calling && counter.ticket) return fill(errors.ticket_in_hand, { label: counter.ticket.label });
  if (calling && counter.status === "paused") return errors.counter_paused;
  if (!counter.ticket && action !== "pause" && action !== "resume") return errors.no_ticket;
  return "";
}

export function renderTerminal(counter, waiting, busy) {
  $("shift-counter").textContent = counterTitle(counter);
  const chip = $("shift-status");
  chip.dataset.status = counter.status;
  chip.textContent = strings.status[counter.status] || counter.status;
  renderTicket(counter);
  renderQueue(counter, waiting);
  renderButtons(counter, busy);
}

function renderTicket(counter) {
  const ticket = counter.ticket;
  $("ticket-panel").dataset.status = ticket ? ticket.status : "none";
  $("ticket-state").textContent = ticket ? strings.ticketStatus[ticket.status] : strings.noTicket;
  $("ticket-label").textContent = ticket ? ticket.label : "";
  let hint = counter.status === "paused" ? strings.pausedHint : strings.noTicketHint;
  if (ticket) hint = ticket.queue + " · " + serviceName(ticket.queue);
  $("ticket-service").textContent = hint;
  const priority = $("ticket-priority");
  priority.hidden = !(ticket && ticket.priority);
  if (ticket && ticket.priority) {
    priority.textContent =
      strings.priority + ": " + (priorityNames[ticket.priority] || ticket.priority);
    if (ticket.priority_source === "id_card") priority.textContent += " · " + strings.priorityByCard;
  }
  const booking = $("ticket-booking");
  booking.hidden = !(ticket && ticket.appointment);
  if (ticket && ticket.appointment) {
    booking.textContent = fill(strings.booked, { start: ticket.appointment });
  }
  $("ticket-calls").textContent =
    ticket && ticket.call_count > 1 ? fill(strings.callCount, { count: ticket.call_count }) : "";
  $("paused-banner").hidden = counter.status !== "paused";
  $("paused-reason").textContent = counter.status_reason || "";
  updateTimer(counter);
}

function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(s % 60);
}

/** Since called, or since serving started: ticks every second. */
export function updateTimer(counter) {
  const ticket = counter && counter.ticket;
  const caption = $("timer-caption");
  const timer = $("timer");
  if (!ticket) {
    caption.textContent = "";
    timer.textContent = "";
    delete timer.dataset.late;
    return;
  }
  const serving = ticket.status === "serving" && ticket.started_at;
  const seconds = (serverNow() - Date.parse(serving ? ticket.started_at : ticket.called_at)) / 1000;
  caption.textContent = serving ? strings.sinceStarted : strings.sinceCalled;
  timer.textContent = formatDuration(seconds);
  if (!serving && seconds >= LATE_CALL_S) timer.dataset.late = "true";
  else delete timer.dataset.late;
}

export function renderQueue(counter, waiting) {
  const list = $("queue-list");
  list.replaceChildren();
  let total = 0;
  for (const code of counter.services) {
    const count = waiting[code] || 0;
    total += count;
    const item = element("li");
    item.dataset.service = code;
    item.dataset.empty = String(count === 0);
    item.append(
      element("span", "queue-code", code),
      element("span", "queue-name", serviceName(code)),
      element("strong", "queue-count", count)
    );
    list.append(item);
  }
  $("queue-total").textContent = total;
}

export function renderButtons(counter, busy) {
  const paused = counter.status === "paused";
  document.querySelector('[data-action="pause"]').hidden = paused;
  document.querySelector('[data-action="resume"]').hidden = !paused;
  for (const button of document.querySelectorAll("[data-action]")) {
    button.disabled = busy || !allowed(counter, button.dataset.action);
  }
  document.body.dataset.busy = String(busy);
}
