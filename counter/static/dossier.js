/* The dossier code (mã hồ sơ) of the visitor's receipt, given at the finish. A keyboard-wedge
 * barcode reader types the code and Enter into the field: Enter finishes the ticket with it.
 * The field waits under the ticket in hand; D (or a click) puts the cursor in it, so the
 * terminal's one-key shortcuts stay as they are. F (or the Finish button) sends what the field
 * holds too. A ticket that came from the kiosk with a receipt's code shows it already. */

import { $ } from "../../static/js/dom.js";

const form = () => $("dossier-form");
const field = () => $("dossier-input");
let shownFor = null; // the ticket whose code the field holds

/** Show the field while the counter holds a ticket; a new ticket starts with its own code. */
export function renderDossier(ticket) {
  form().hidden = !ticket;
  const id = ticket ? ticket.id : null;
  if (id !== shownFor) {
    field().value = (ticket && ticket.dossier) || "";
    field().setCustomValidity("");
    shownFor = id;
  }
}

/** The finish's body: the code typed or scanned, when there is one. */
export function dossierPayload() {
  const code = field().value.trim();
  return code ? { dossier: code } : {};
}

/** Enter in the field (the scanner's last key) finishes; D puts the cursor in the field. */
export function bindDossier(finish) {
  form().addEventListener("submit", (event) => {
    event.preventDefault();
    if (!field().checkValidity()) {
      field().reportValidity();
      return;
    }
    finish(dossierPayload());
  });
  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "d" || form().hidden || document.querySelector("dialog[open]")) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    field().focus();
    field().select();
  });
}
