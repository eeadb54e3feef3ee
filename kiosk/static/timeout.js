/* A visitor who stops touching the kiosk mid-way is asked before it resets: "Do you need more
   time?", a large "More time" button and the seconds left (WARN_MS), then back to the start.
   The question takes the focus, so a screen reader says it. */

import { $, fill } from "../../static/js/dom.js";
import { strings } from "./page.js";

const WARN_MS = 20000;
const TICK_MS = 250;

/* `expire()` runs when nobody answered. Answers {arm(delayMs), clear()}: arm(0) only clears. */
export function idleWarning(expire) {
  const box = $("timeout");
  let idleTimer = null;
  let tickTimer = null;
  let focusBefore = null;

  function clear() {
    clearTimeout(idleTimer);
    clearInterval(tickTimer);
    if (!box.hidden) {
      box.hidden = true;
      if (focusBefore && document.contains(focusBefore)) focusBefore.focus({ preventScroll: true });
    }
  }

  function warn() {
    const ends = Date.now() + WARN_MS;
    function tick() {
      const left = Math.max(0, ends - Date.now());
      $("timeout-text").textContent = fill(strings.countdown, { n: Math.ceil(left / 1000) });
      if (left === 0) {
        clear();
        expire();
      }
    }
    focusBefore = document.activeElement;
    box.hidden = false;
    tick();
    tickTimer = setInterval(tick, TICK_MS);
    box.querySelector(".more-time").focus();
  }

  function arm(delayMs) {
    clear();
    if (delayMs) idleTimer = setTimeout(warn, delayMs);
  }

  return { arm, clear };
}
