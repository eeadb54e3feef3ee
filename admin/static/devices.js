/* The paired devices page: the pairing dialog shows the one target list that fits the kind
 * chosen (kiosks, counters or displays) and sends the code; the page reloads to show the device.
 * Revoking goes through admin.js (data-action-url with its confirmation). */

import { $, readJson } from "../../static/js/dom.js";
import { strings as adminStrings, send } from "./page.js";

const strings = readJson("device-strings");
const form = $("device-form");
const TARGET_FIELD = { kiosk: "kiosk", print_agent: "kiosk", tablet: "counter", counter_screen: "counter", display: "display" };
Object.assign(adminStrings.errors, strings.errors); // the API's pairing error codes, in words

function showTargets() {
  const kind = form.elements.namedItem("kind").value;
  for (const field of form.querySelectorAll("[data-targets]")) {
    field.hidden = !field.dataset.targets.split(" ").includes(kind);
  }
}

form.elements.namedItem("kind").addEventListener("change", showTargets);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const kind = form.elements.namedItem("kind").value;
  const payload = {
    code: form.elements.namedItem("code").value.trim(),
    kind,
    target: form.elements.namedItem(TARGET_FIELD[kind]).value || null,
    name: form.elements.namedItem("name").value.trim() || null,
    reason: form.elements.namedItem("reason").value.trim(),
  };
  send(form, "POST", $("device-dialog").dataset.createUrl, payload, strings.paired);
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  // admin.js has opened the confirmation ("Remove …?") by now; a device is revoked, not removed
  if (target && target.dataset.revokeTitle) $("confirm-title").textContent = target.dataset.revokeTitle;
});
showTargets();
