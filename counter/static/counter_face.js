/* The face of the screen over a counter (counter/_counter_face.html), kept live from the
 * `/display` pushes: the counter screen's whole page, and the rating tablet's idle face.
 *
 * `board` carries every counter's screen (`counters`: status, the ticket in hand, the clerk's
 * display name, its services) and the seq of the latest call; `called` comes before it, at
 * once, so a call shows (and blinks) without waiting for the next board. A board older than a
 * call already shown is ignored; a socket that reconnects gets the board again and is whole.
 * Only a call made after the face started blinks, never the state it found.
 *
 * Read-only hooks for tests and a technician, on the face element: data-state (called, serving,
 * open, paused, closed), data-blink, data-connected, data-seq.
 */

import { fill } from "../../static/js/dom.js";
import { openSocket } from "../../static/js/live.js";

export const BLINK_MS = 6000; // the CSS blink runs six one-second cycles
const RELOAD_RETRY_MS = 5000;

/** The number of the counter this face is over: the page says it (data-counter), from its
 * address today. A screen paired as a device learns its counter here. */
export function faceCounter(root) {
  return Number(root.dataset.counter);
}

/**
 * Keep the face in `root` live. options (optional):
 *   reloadAllowed(): whether the page may reload now for a configuration change (names,
 *     services); the rating tablet says no while it asks a visitor. Asked again until it may.
 * Answers the socket (null without a socket client: the face stays as the server drew it).
 */
export function mountCounterFace(root, options = {}) {
  const part = (name) => root.querySelector(`#face-${name}`);
  const data = JSON.parse(root.querySelector("#counter-face-data").textContent);
  const strings = data.strings;
  const number = faceCounter(root);
  const reloadAllowed = options.reloadAllowed || (() => true);
  const state = { seq: null, floor: null, screen: data.screen, blinkTimer: null };

  const serviceName = (code) => data.serviceNames[code] || code;

  function render() {
    const screen = state.screen || { status: "closed", clerk: null, ticket: null, services: [] };
    const ticket = screen.ticket;
    root.dataset.state = ticket ? ticket.status : screen.status;
    part("serving").hidden = !ticket;
    part("idle").hidden = Boolean(ticket);
    if (ticket) {
      part("caption").textContent = strings[ticket.status] || "";
      part("label").textContent = ticket.label;
      part("label").dataset.length = String(ticket.label.length);
      part("service").textContent = serviceName(ticket.service);
    } else {
      part("status").textContent = strings[screen.status] || "";
      part("hint").textContent = strings[screen.status + "Hint"] || "";
      const items = (screen.services || []).map((code) => {
        const item = document.createElement("li");
        item.className = "face-service-item";
        item.textContent = serviceName(code);
        return item;
      });
      part("services").replaceChildren(...items);
    }
    const clerk = screen.status !== "closed" && screen.clerk;
    part("clerk").hidden = !clerk;
    part("clerk").textContent = clerk ? fill(strings.clerk, { name: clerk }) : "";
  }

  function blink() {
    root.dataset.blink = "false";
    void root.offsetWidth; // restart the animation for a recall during a blink
    root.dataset.blink = "true";
    clearTimeout(state.blinkTimer);
    state.blinkTimer = setTimeout(() => {
      root.dataset.blink = "false";
    }, BLINK_MS);
  }

  function setSeq(seq) {
    state.seq = seq;
    root.dataset.seq = String(seq);
  }

  function onBoard(board) {
    if (state.seq !== null && board.seq < state.seq) return; // overtaken by a call shown
    if (state.floor === null) state.floor = board.seq;
    setSeq(board.seq);
    if (!Array.isArray(board.counters)) return; // a board without counters: keep what is shown
    state.screen = board.counters.find((screen) => screen.number === number) || null;
    render();
  }

  function onCalled(call) {
    if (state.seq !== null && call.seq <= state.seq) return; // shown already, or the same twice
    setSeq(call.seq);
    if (call.counter !== number) return;
    const screen = state.screen || { status: "open", clerk: null, services: [] };
    state.screen = {
      ...screen,
      status: "open",
      ticket: { label: call.label, service: call.service, status: "called" },
    };
    render();
    if (state.floor !== null && call.seq > state.floor) blink();
  }

  function reloadWhenAllowed() {
    if (reloadAllowed() && root.dataset.blink !== "true") window.location.reload();
    else setTimeout(reloadWhenAllowed, RELOAD_RETRY_MS);
  }

  function showLive(connected) {
    root.dataset.connected = String(connected);
    part("offline").hidden = connected;
  }

  render();
  return openSocket("/display", {
    showLive,
    on: { board: onBoard, called: onCalled, configuration: reloadWhenAllowed },
  });
}
