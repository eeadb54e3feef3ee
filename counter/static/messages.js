/* The message strip under the top bar, and the clerk's words for the API's errors: the error
 * code picks the page's own sentence, the server's English message is only the fallback. */

import { $, fill } from "../../static/js/dom.js";
import { strings } from "./page.js";

const FADE_MS = 6000;

/* The page's sentence for each action that succeeded on a ticket. */
const DONE = {
  next: "calledTicket",
  call: "calledTicket",
  recall: "recalled",
  start: "started",
  finish: "finished",
  "no-show": "noShow",
  return: "returned",
  transfer: "transferred",
};

let fadeTimer = null;

/** Show a message; errors (and sticky warnings) stay until replaced or dismissed. */
export function showMessage(text, kind, sticky) {
  clearTimeout(fadeTimer);
  $("message-text").textContent = text;
  $("message").dataset.kind = kind;
  if (kind !== "error" && !sticky) fadeTimer = setTimeout(hideMessage, FADE_MS);
}

export function hideMessage() {
  clearTimeout(fadeTimer);
  $("message").dataset.kind = "none";
  $("message-text").textContent = "";
}

export function messageShown() {
  return $("message-text").textContent;
}

/** The sentence for an ApiError; context fills its marks (number, clerk, other, label). */
export function describe(error, context) {
  const errors = strings.errors;
  const found = (pattern) => ((error.message || "").match(pattern) || [])[0] || "";
  const values = Object.assign({ detail: error.message }, context);
  switch (error.code) {
    case "network":
      return errors.network;
    case "unauthorized":
    case "csrf":
      return errors.session;
    case "counter_taken":
      return fill(values.clerk ? errors.counter_taken : errors.counter_taken_unknown, values);
    case "too_many_failures":
      values.minutes = found(/\d+/) || "1";
      return fill(errors.too_many_failures, values);
    case "clerk_elsewhere":
      values.other = values.other || found(/\d+/);
      return fill(errors.clerk_elsewhere, values);
    case "ticket_in_hand":
      values.label = values.held || found(/[A-Z]{1,3}\d{3,5}/);
      return fill(errors.ticket_in_hand, values);
    default:
      return fill(errors[error.code] || errors.server, values);
  }
}

/** What the clerk is told after `action` succeeded; values: label, service. */
export function actionDone(action, values) {
  return fill(strings[DONE[action]], values);
}
