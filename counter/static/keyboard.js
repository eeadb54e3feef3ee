/* The terminal's keyboard shortcuts: each button lists its keys (data-keys), so a clerk works
 * the whole shift without the mouse. A field being typed in, an open dialog, and a button
 * reached with Tab keep their own keys. */

import { dialogOpen } from "./dialogs.js";

function shortcutButton(key) {
  for (const button of document.querySelectorAll("#terminal-view [data-keys]")) {
    if (!button.hidden && button.dataset.keys.split(" ").includes(key)) return button;
  }
  return null;
}

/** Listen for the shortcuts; press(action) gets the action of the button whose key was hit. */
export function bindShortcuts(press) {
  document.addEventListener("keydown", (event) => {
    if (document.body.dataset.view !== "terminal") return;
    if (event.altKey || event.ctrlKey || event.metaKey || dialogOpen()) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key === " " ? "space" : event.key.toLowerCase();
    // a button reached with Tab keeps its own Enter and Space
    if ((key === "enter" || key === "space") && target.closest && target.closest("button, a")) return;
    const button = shortcutButton(key);
    if (!button) return;
    event.preventDefault();
    if (!event.repeat) press(button.dataset.action);
  });
}
