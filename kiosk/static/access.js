/* The visitor's reading aids: large text and high contrast, switched on any screen. They are
   attributes of <html> that the stylesheet turns into custom properties (--text-scale, the
   colours). They last the visitor's session, across a change of language (which reloads the
   page), and are dropped when the kiosk returns to its start for the next visitor. */

import { $ } from "../../static/js/dom.js";

const KEY = "kiosk-access";
const AIDS = { "large-text": "largeText", "high-contrast": "highContrast" };
const root = document.documentElement;

function read() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "{}");
  } catch {
    return {};
  }
}

function apply(aids) {
  for (const [id, name] of Object.entries(AIDS)) {
    root.dataset[name] = aids[id] ? "on" : "";
    $(id).setAttribute("aria-checked", String(Boolean(aids[id])));
  }
}

function save(aids) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(aids));
  } catch {
    // a browser that keeps nothing: the aid still holds until the page reloads
  }
}

/* Switch one aid ("large-text" or "high-contrast") on or off. */
export function toggleAid(id) {
  const aids = read();
  aids[id] = !aids[id];
  save(aids);
  apply(aids);
}

/* Whether the visitor switched an aid on (the start screen then returns to plain by itself). */
export function aidsOn() {
  return Object.values(read()).some(Boolean);
}

/* The next visitor starts plain. */
export function resetAids() {
  save({});
  apply({});
}

apply(read());
