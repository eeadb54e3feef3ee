/* The clock under the center's name: the time and the date in the center's time zone, in the
   visitor's language, for a kiosk whose own clock may be set to another zone. */

import { english } from "./page.js";

const TICK_MS = 10000;

function tick(clock, timeZone) {
  const now = new Date();
  const locale = english ? "en-GB" : "vi-VN";
  const zone = { timeZone };
  const date = now.toLocaleDateString(
    locale,
    Object.assign({ weekday: "long", day: "numeric", month: "numeric", year: "numeric" }, zone)
  );
  const time = now.toLocaleTimeString(locale, Object.assign({ hour: "2-digit", minute: "2-digit" }, zone));
  clock.textContent = time + " · " + date;
}

/* Show the time in `clock` now, then every TICK_MS. */
export function startClock(clock, timeZone) {
  tick(clock, timeZone);
  setInterval(() => tick(clock, timeZone), TICK_MS);
}
