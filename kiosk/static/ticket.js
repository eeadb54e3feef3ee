/* The ticket on screen: its number, service and priority, the people ahead and the wait, the QR
   code to follow it on a phone, and what became of its paper (printed, failed, none); then a
   countdown back to the start, longer when there is no paper and the visitor must photograph it.
   A print agent's failure may come later, by the kiosk's `printer` event (printFailed). */

import { $, fill } from "../../static/js/dom.js";
import { serviceName, strings, waitRange } from "./page.js";

const TICKET_MS = 40000; // time to read the number, the wait and the QR code, slowly
const TICKET_PHOTO_MS = 60000; // no paper: leave time to photograph the QR code
const TICKET_GUARD_MS = 1500;

function categoryName(code) {
  const button = document.querySelector('.priority[data-priority="' + code + '"]');
  return button ? button.dataset.name : code;
}

/* `data` is the kiosk's dataset; `hooks` come from kiosk.js: show(screen), home() when the
   countdown ends, findService(code), idCard (held_card.js). Answers {show, stop, moreTime,
   printFailed, service, tapEnds}. */
export function ticketScreen(data, hooks) {
  let countdownTimer = null;
  let countdownTotal = TICKET_MS;
  let shownAt = 0;
  let shown = { id: null, service: null };
  let printFailures = []; // this kiosk's latest tickets its print agent could not print

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

  function showPrintStatus(status, reason) {
    $("print-status").dataset.status = status;
    $("ticket").classList.toggle("is-paperless", status !== "printed");
    // not paired: only the kiosk an admin paired prints on its paper (admin › devices)
    const words = reason === "kiosk_not_paired" ? strings.print_not_paired : strings["print_" + status];
    $("print-text").textContent = words || strings.print_skipped;
    if (status !== "skipped") $("printer-notice").hidden = status === "printed";
    countdown(status === "printed" ? TICKET_MS : TICKET_PHOTO_MS, hooks.home);
  }

  /* Show the ticket the server answered; `priorityName` is the category the visitor chose. */
  function showTicket(ticket, priorityName) {
    const service = hooks.findService(ticket.service);
    const card = hooks.idCard.held();
    $("ticket-label").textContent = ticket.label;
    $("ticket-service").textContent = service ? serviceName(service) : ticket.service;
    const byCard = ticket.priority_source === "id_card";
    $("ticket-card").hidden = !card;
    $("ticket-card").textContent = card
      ? fill(byCard ? strings.card_elderly : strings.card_read, { year: card.birthYear })
      : "";
    if (byCard) priorityName = categoryName(ticket.priority);
    hooks.idCard.forget();
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
    shown = { id: ticket.id, service: ticket.service };
    shownAt = Date.now();
    hooks.show("ticket");
    // "sent": the kiosk PC's print agent has it; it reports a failure by a `printer` event,
    // which may even come before this answer (a printer that refuses at once).
    if (status === "sent") status = printFailures.includes(ticket.id) ? "failed" : "printed";
    showPrintStatus(status, ticket.print && ticket.print.reason);
  }

  return {
    show: showTicket,
    /* Stop the countdown: the kiosk leaves the ticket screen. */
    stop: () => clearInterval(countdownTimer),
    /* "More time": the countdown starts again. */
    moreTime: () => countdown(countdownTotal, hooks.home),
    /* The print agent could not print ticket `id`; if it is the one `onScreen`, say so. */
    printFailed(id, onScreen) {
      printFailures = printFailures.slice(-9).concat([id]);
      if (id === shown.id && onScreen) showPrintStatus("failed");
    },
    /* The service of the ticket shown last. */
    service: () => shown.service,
    /* A tap anywhere ends a printed ticket's screen, once it has been shown a moment. */
    tapEnds: () =>
      $("print-status").dataset.status === "printed" && Date.now() - shownAt > TICKET_GUARD_MS,
  };
}
