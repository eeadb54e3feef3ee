/* Rating the service from the phone, once the ticket is finished: the center's scale (three
   levels or four faces, drawn by the page), after a low score the reasons as chips, an optional
   comment; sent with POST /api/ratings {token, score, reasons?, comment?}. The ticket's state
   (`rating`: {rated, open, scale}) says whether to ask; a rating is given once. */

import { api } from "../static/js/api.js";
import { $, readJson } from "../static/js/dom.js";

const box = $("rate");
const token = $("track").dataset.token;
const strings = readJson("strings");
const chosen = { score: null, low: false, reasons: new Set() };
let sent = false;
let sending = false;

/** Ask, thank, or say nothing, as the ticket's state allows. */
export function offerRating(ticket) {
  const offer = ticket.rating;
  const rated = sent || Boolean(offer && offer.rated);
  $("rated").hidden = !rated;
  box.hidden = rated || !offer || !offer.open;
}

function press(buttons, pressed) {
  for (const button of buttons) button.setAttribute("aria-pressed", String(pressed(button)));
}

function choose(button) {
  chosen.score = Number(button.dataset.score);
  chosen.low = button.dataset.low === "true";
  if (!chosen.low) chosen.reasons.clear();
  press(box.querySelectorAll(".rate-score"), (other) => other === button);
  press(box.querySelectorAll(".rate-reason"), (chip) => chosen.reasons.has(chip.dataset.reason));
  box.dataset.tone = button.dataset.tone;
  $("rate-reasons").hidden = !chosen.low;
  $("rate-send").disabled = false;
}

function toggle(chip) {
  const reason = chip.dataset.reason;
  if (chosen.reasons.has(reason)) chosen.reasons.delete(reason);
  else chosen.reasons.add(reason);
  chip.setAttribute("aria-pressed", String(chosen.reasons.has(reason)));
}

async function send() {
  if (chosen.score === null || sending) return;
  sending = true;
  $("rate-send").disabled = true;
  $("rate-error").hidden = true;
  const answer = { token, score: chosen.score };
  if (chosen.low && chosen.reasons.size) answer.reasons = [...chosen.reasons];
  const comment = $("rate-comment").value.trim();
  if (comment) answer.comment = comment;
  try {
    await api("POST", box.dataset.ratingsUrl, answer);
    sent = true;
  } catch (error) {
    if (error.code === "already_rated") sent = true;
    else if (error.status === 409) box.hidden = true; // too late: nothing more to ask
    else {
      $("rate-error").textContent = strings.rate_failed;
      $("rate-error").hidden = false;
    }
  }
  sending = false;
  $("rate-send").disabled = sent;
  if (sent) offerRating({ rating: { rated: true, open: false } });
}

for (const button of box.querySelectorAll(".rate-score")) {
  button.addEventListener("click", () => choose(button));
}
for (const chip of box.querySelectorAll(".rate-reason")) {
  chip.addEventListener("click", () => toggle(chip));
}
$("rate-send").addEventListener("click", send);
