/* "Trả kết quả": a visitor back for the result of a dossier scans the receipt's code (a
   keyboard-wedge scanner types it and Enter into the field) or types it on the keypad, and the
   kiosk issues a ticket of the service that took the dossier (POST /api/tickets/dossier). A
   receipt scanned on another screen comes here too (`scanned`). Unknown, malformed or closed is
   said in words. */

import { api } from "../../static/js/api.js";
import { $, element } from "../../static/js/dom.js";
import { strings } from "./page.js";

const KEYS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-/";
const CODE = /^[A-Za-z0-9._/-]{1,64}$/;
const BOOKING_CODE = /^[A-HJ-NP-Z2-9]{6}$/; // a booking's QR is the booking screen's, not ours
const MESSAGES = {
  unknown_dossier: "dossier_unknown",
  bad_dossier: "dossier_bad",
  closed: "dossier_closed",
  quota_reached: "dossier_closed",
  rate_limited: "error_rate",
};

/** Whether a scanned text may be a receipt's dossier code. */
export function isDossierCode(text) {
  return CODE.test(text) && !BOOKING_CODE.test(text);
}

/* Wire the screen; `hooks` come from kiosk.js: show(screen), showTicket(ticket), request() for
   kiosk and paper. Answers the screen's actions and `scanned(text)`. */
export function dossierScreen(data, hooks) {
  const field = $("dossier-code");
  let sending = false;

  $("dossier-keypad").replaceChildren(
    ...[...KEYS, "⌫"].map((key) => {
      const button = element("button", key === "⌫" ? "key key-back" : "key", key);
      button.type = "button";
      button.dataset.action = "dossier-key";
      button.dataset.key = key;
      return button;
    })
  );

  function say(text) {
    $("dossier-message").textContent = text || "";
    $("dossier-message").hidden = !text;
  }

  function open() {
    field.value = "";
    say("");
    hooks.show("dossier");
    field.focus();
  }

  function press(button) {
    const key = button.dataset.key;
    field.value = key === "⌫" ? field.value.slice(0, -1) : (field.value + key).slice(0, 64);
    field.focus();
  }

  async function send() {
    const code = field.value.trim();
    if (!CODE.test(code)) return say(strings.dossier_bad);
    if (sending) return;
    sending = true;
    say(strings.dossier_checking);
    try {
      const body = Object.assign({ dossier: code }, hooks.request());
      const ticket = await api("POST", data.dossierUrl, body, { timeoutMs: 15000 });
      say("");
      hooks.showTicket(ticket);
    } catch (error) {
      say(strings[MESSAGES[error.code] || "dossier_failed"]);
    } finally {
      sending = false;
    }
  }

  $("dossier-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });

  return {
    actions: { dossier: open, "dossier-key": press },
    scanned(text) {
      open();
      field.value = text.trim();
      send();
    },
  };
}
