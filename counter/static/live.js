/* The terminal's `/counter` socket: it shows whether the terminal is live, warns when it has
 * been down a while, asks again after a refused connection (still signed in?), and hands each
 * push to the terminal. It only listens: commands go over HTTP. */

import { api } from "./api.js";
import { hideMessage, messageShown, showMessage } from "./messages.js";
import { $, strings } from "./page.js";

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
  if (socket || typeof window.io !== "function") return;
  const current = window.io(namespace, { transports: ["websocket"] });
  socket = current;
  current.on("connect", () => {
    clearTimeout(warning);
    setLive(true);
    if (messageShown() === strings.socketDown) hideMessage();
    handlers.connected(); // whatever changed while the socket was down
  });
  current.on("disconnect", () => {
    setLive(false);
    clearTimeout(warning);
    warning = setTimeout(() => showMessage(strings.socketDown, "warn", true), WARNING_MS);
  });
  current.on("connect_error", async () => {
    setLive(false);
    if (current.active) return; // a network failure: the client retries by itself
    try {
      await api("GET", sessionUrl); // refused: still signed in? then try again shortly
      setTimeout(() => socket === current && current.connect(), WARNING_MS);
    } catch (error) {
      if (error.status === 401) handlers.refused(error);
    }
  });
  current.on("counter", handlers.counter);
  current.on("board", handlers.board);
}

export function disconnectLive() {
  clearTimeout(warning);
  if (socket) {
    socket.disconnect();
    socket = null;
  }
}
