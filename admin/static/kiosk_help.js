/* The monitor's calls for a guide: a kiosk whose visitor pressed "Hướng dẫn" shows here, large,
 * until a supervisor answers "I am going" (POST .../help/acknowledge, which clears it on every
 * monitor through the same `kiosk_help` push) or until the call's time is up. */

import { $, element, fill, readJson } from "../../static/js/dom.js";
import { api, describe, toast } from "./page.js";

const section = $("kiosk-calls");
const strings = readJson("kiosk-help-strings");
const calls = new Map(); // kiosk id -> {name, at, shownUntil}
let expiry = null;

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function draw() {
  const now = Date.now();
  for (const [kiosk, call] of calls) if (call.shownUntil <= now) calls.delete(kiosk);
  const items = [...calls.entries()].map(([kiosk, call]) => {
    const item = element("li", "kiosk-call");
    item.dataset.kiosk = kiosk;
    const text = element("span", "kiosk-call-text", fill(strings.needsHelp, { name: call.name }));
    const since = element("span", "kiosk-call-since", fill(strings.since, { time: clock(call.at) }));
    const button = element("button", "button primary", strings.going);
    button.type = "button";
    button.dataset.acknowledge = kiosk;
    item.append(text, since, button);
    return item;
  });
  $("kiosk-calls-list").replaceChildren(...items);
  section.hidden = !items.length;
  clearTimeout(expiry);
  const next = Math.min(...[...calls.values()].map((call) => call.shownUntil));
  if (Number.isFinite(next)) expiry = setTimeout(draw, Math.max(0, next - now) + 50);
}

/* A `kiosk_help` push: a new call, or an answer that lets it go. The call shows for as long as
 * the server said (until - at), counted on this screen's clock. */
export function kioskHelp(push) {
  if (push.acknowledged_by) {
    if (calls.delete(push.kiosk)) toast(fill(strings.answered, { name: push.name, by: push.acknowledged_by }));
  } else {
    const shownFor = Date.parse(push.until) - Date.parse(push.at);
    calls.set(push.kiosk, { name: push.name, at: push.at, shownUntil: Date.now() + shownFor });
  }
  draw();
}

section.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-acknowledge]");
  if (!button) return;
  button.disabled = true;
  try {
    await api("POST", section.dataset.acknowledgeUrl.replace("KEY", encodeURIComponent(button.dataset.acknowledge)));
  } catch (error) {
    toast(describe(error), "error");
    button.disabled = false;
  }
});
