/* The questions an action needs: which service to transfer to, which number to call, why the
 * counter pauses, which ticket becomes priority and why. Each answers with onAnswer(action,
 * payload). */

import { $ } from "../../static/js/dom.js";

const DIALOGS = {
  transfer: "transfer-dialog",
  call: "call-dialog",
  pause: "pause-dialog",
  priority: "priority-dialog",
};

export function needsDialog(action) {
  return action in DIALOGS;
}

/** Open an action's dialog; the transfer list greys out the ticket's own queue. */
export function openDialog(action, counter) {
  const dialog = $(DIALOGS[action]);
  dialog.querySelector("form").reset();
  const queue = counter.ticket ? counter.ticket.queue : "";
  for (const radio of dialog.querySelectorAll('input[name="service"]')) {
    radio.disabled = radio.value === queue;
  }
  dialog.showModal();
  const first = dialog.querySelector("input:not([disabled])");
  if (first) first.focus();
}

export function dialogOpen() {
  return Boolean(document.querySelector("dialog[open]"));
}

/** "a5", "A 05" and "A005" all mean A005. */
function normalizeLabel(text) {
  const match = text.trim().toUpperCase().match(/^([A-Z]{1,3})\s*0*(\d{1,5})$/);
  return match ? match[1] + match[2].padStart(3, "0") : text.trim().toUpperCase();
}

function answerWith(action, form, read, onAnswer) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const payload = read();
    if (!payload) return;
    $(DIALOGS[action]).close();
    onAnswer(action, payload);
  });
}

export function bindDialogs(onAnswer) {
  for (const dialog of document.querySelectorAll("dialog")) {
    for (const dismiss of dialog.querySelectorAll("[data-dismiss]")) {
      dismiss.addEventListener("click", () => dialog.close());
    }
  }
  answerWith("transfer", $("transfer-form"), () => {
    const chosen = $("transfer-form").querySelector('input[name="service"]:checked');
    return chosen ? { service: chosen.value } : null;
  }, onAnswer);
  answerWith("call", $("call-form"), () => ({ label: normalizeLabel($("call-label").value) }), onAnswer);
  answerWith("priority", $("priority-form"), () => {
    const form = $("priority-form");
    const chosen = form.querySelector('input[name="priority"]:checked');
    const reason = $("priority-reason").value.trim();
    if (!chosen || !reason) return null;
    return { label: normalizeLabel($("priority-label").value), priority: chosen.value || null, reason };
  }, onAnswer);
  answerWith("pause", $("pause-form"), () => {
    const reason = $("pause-reason").value.trim();
    return reason ? { reason } : null;
  }, onAnswer);
  for (const reason of document.querySelectorAll("[data-reason]")) {
    reason.addEventListener("click", () => {
      $("pause-dialog").close();
      onAnswer("pause", { reason: reason.dataset.reason });
    });
  }
}
