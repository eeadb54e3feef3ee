/* The terminal's `/counter` socket: it shows whether the terminal is live, warns when it has
 * been down a while, asks again after a refused connection (still signed in?), and hands each
 * push to the terminal. It only listens: commands go over HTTP. */

import { api } from "../../static/js/api.js";
import { $ } from "../../static/js/dom.js";
import { openSocket } from "../../static/js/live.js";
import { hideMessage, messageShown, showMessage } from "./messages.js";
import { strings } from "./page.js";

const WARNING_MS = 5000;
let socket = null;
let warning = null;

export function setLive(connected) {
  const live = $("live");
  live.dataset.connected = String(connected);
  live.textContent = connected ? strings.liveOn : strings.liveOff;
}

/** Connect once. handlers: connected(), board(board), counter(change), refused(error). */
export function connectLive(namespace, sessionUrl, handlers) {
  if (socket) return;
  const current = openSocket(namespace, {
    showLive: setLive,
    on: { counter: handlers.counter, board: handlers.board },
    connected() {
      clearTimeout(warning);
      if (messageShown() === strings.socketDown) hideMessage();
      handlers.connected(); // whatever changed while the socket was down
    },
    disconnected() {
      clearTimeout(warning);
      warning = setTimeout(() => showMessage(strings.socketDown, "warn", true), WARNING_MS);
    },
    async refused(retry) {
      try {
        await api("GET", sessionUrl); // still signed in? then try again shortly
        setTimeout(() => socket === current && retry(), WARNING_MS);
      } catch (error) {
        if (error.status === 401) handlers.refused(error);
      }
    },
  });
  socket = current;
}

export function disconnectLive() {
  clearTimeout(warning);
  if (socket) {
    socket.disconnect();
    socket = null;
  }
}
