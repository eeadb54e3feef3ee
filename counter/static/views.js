/* Which of the terminal's three views shows: signing in, choosing a counter, or working one
 * (body[data-view], which the keyboard shortcuts and the page's height in counter.css follow). */

import { $ } from "../../static/js/dom.js";

export function showView(name) {
  for (const view of ["sign-in", "choose", "terminal"]) {
    $(view + "-view").hidden = view !== name;
  }
  document.body.dataset.view = name;
  $("shift").hidden = name !== "terminal";
  $("shift-actions").hidden = name === "sign-in";
  $("close-counter").hidden = name !== "terminal";
}

export function showSignIn(errorText) {
  showView("sign-in");
  const error = $("sign-in-error");
  error.textContent = errorText || "";
  error.hidden = !errorText;
  $("username").focus();
}
