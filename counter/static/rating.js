/* The rating tablet facing the visitor at one counter.
 *
 * It listens on the `/rating` socket for its counter's finished tickets (`rate` {ticket, label}),
 * asks how the service was (the center's scale: three levels or four faces, drawn by the page),
 * after a low score asks why with big chips (data-low on the score's button), takes an optional
 * comment, sends the answer with POST /api/ratings,
 * thanks the visitor and goes back to idle. The socket only pushes; the answer goes over HTTP.
 * A question nobody touches for a minute goes away, so the next visitor never finds the last
 * one's; a face chosen but never sent still counts (it is sent without the comment). While it
 * asks nothing it shows the face of the screen over its counter (counter_face.js).
 *
 * Only a tablet paired with the counter hears its `rate` and may rate: until an admin has paired
 * it, the tablet shows its pairing code (device.js); paired with another counter, it goes to
 * that counter's page. */

import { api } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";
import { adoptInstallerToken, requirePairing, whoAmI } from "../../static/js/device.js";
import { openSocket } from "../../static/js/live.js";
import { mountCounterFace } from "./counter_face.js";

const THANKS_MS = 4000; // how long "thank you" (or "cannot be rated") stays before idle
const UNTOUCHED_MS = 60_000; // a question left this long without a tap goes back to idle
const REFUSED_RETRY_MS = 5000; // the server refused the socket: ask again after this

const body = document.body;
const strings = readJson("strings");

let current = null; // the open question: {ticket, label, score, low, reasons, sending}
let timer = null;

function show(name) {
  for (const screen of document.querySelectorAll(".screen")) {
    screen.hidden = screen.dataset.screen !== name;
  }
  body.dataset.screen = name;
}

function after(delay, action) {
  clearTimeout(timer);
  timer = setTimeout(action, delay);
}

function goIdle() {
  clearTimeout(timer);
  current = null;
  show("idle");
}

/** The visitor leaves the question (a minute untouched, or the next ticket came): keep the face. */
function leave() {
  if (current && current.score && !current.sending) post(current, "");
  goIdle();
}

function touched() {
  if (current) after(UNTOUCHED_MS, leave);
}

function ask(request) {
  if (current && current.ticket === request.ticket) return;
  if (current) leave();
  current = {
    ticket: request.ticket,
    label: request.label,
    score: null,
    low: false,
    reasons: new Set(),
    sending: false,
  };
  $("ask-ticket").textContent = fill(strings.ticket, { label: request.label });
  $("comment").value = "";
  $("send-error").hidden = true;
  setBusy(false);
  show("ask");
  touched();
}

function choose(button) {
  if (!current) return;
  current.score = Number(button.dataset.score);
  current.low = button.dataset.low === "true";
  if (!current.low) current.reasons.clear(); // reasons say why a low score is low
  for (const chip of document.querySelectorAll(".reason")) {
    chip.setAttribute("aria-pressed", String(current.reasons.has(chip.dataset.reason)));
  }
  $("reasons").hidden = !current.low;
  document.querySelector(".chosen").dataset.tone = button.dataset.tone;
  $("chosen-face").replaceChildren(button.querySelector(".face").cloneNode(true));
  $("chosen-words").textContent = button.querySelector(".score-words").textContent;
  show("comment");
  touched();
}

function setBusy(busy) {
  $("send").disabled = busy;
  $("skip").disabled = busy;
}

/** Send one answer; "sent", "closed" (the ticket cannot be rated) or "retry". */
async function post(rating, comment) {
  const answer = { ticket: rating.ticket, score: rating.score };
  if (rating.low && rating.reasons.size) answer.reasons = [...rating.reasons];
  if (comment) answer.comment = comment;
  try {
    await api("POST", body.dataset.ratingsUrl, answer);
    return "sent";
  } catch (error) {
    if (error.code === "already_rated") return "sent"; // the same answer got there before
    // status 0 is the network: the visitor may press Send again; 403: this tablet was revoked
    return [403, 404, 409].includes(error.status) ? "closed" : "retry";
  }
}

async function submit(withComment) {
  const rating = current;
  if (!rating || !rating.score || rating.sending) return;
  rating.sending = true;
  setBusy(true);
  $("send-error").hidden = true;
  const outcome = await post(rating, withComment ? $("comment").value.trim() : "");
  rating.sending = false;
  setBusy(false);
  if (current !== rating) return; // the next visitor's question came meanwhile
  if (outcome === "retry") {
    $("send-error").textContent = strings.sendFailed;
    $("send-error").hidden = false;
    touched();
    return;
  }
  current = null;
  if (outcome === "closed") {
    $("refused-text").textContent = strings.cannotRate;
    show("refused");
  } else {
    show("thanks");
  }
  after(THANKS_MS, goIdle);
}

function setConnected(connected) {
  body.dataset.connected = String(connected);
  $("offline").hidden = connected;
}

function connect() {
  openSocket(body.dataset.socketNamespace, {
    query: { counter: body.dataset.counter },
    showLive: setConnected,
    on: { rate: ask },
    // refused: paired no more (revoked) -> pair again; else the server was busy -> ask again
    refused: (retry) =>
      whoAmI().then((state) => {
        if (state.status === "paired") setTimeout(retry, REFUSED_RETRY_MS);
        else window.location.reload();
      }),
  });
}

async function start() {
  adoptInstallerToken();
  const device = await requirePairing("tablet");
  if (device.target !== body.dataset.counter) {
    const address = new URL(window.location.href);
    address.searchParams.set("counter", device.target);
    window.location.replace(address.pathname + address.search);
    return;
  }
  body.dataset.device = String(device.id);
  connect();
}

function toggleReason(chip) {
  if (!current || !current.low) return;
  const reason = chip.dataset.reason;
  if (current.reasons.has(reason)) current.reasons.delete(reason);
  else current.reasons.add(reason);
  chip.setAttribute("aria-pressed", String(current.reasons.has(reason)));
}

for (const button of document.querySelectorAll(".score")) {
  button.addEventListener("click", () => choose(button));
}
for (const chip of document.querySelectorAll(".reason")) {
  chip.addEventListener("click", () => toggleReason(chip));
}
$("change-score").addEventListener("click", () => {
  show("ask");
  touched();
});
$("send").addEventListener("click", () => submit(true));
$("skip").addEventListener("click", () => submit(false));
document.addEventListener("pointerdown", touched);
document.addEventListener("keydown", touched);
document.addEventListener("contextmenu", (event) => event.preventDefault());
show("idle");
mountCounterFace($("counter-face"), { reloadAllowed: () => body.dataset.screen === "idle" });
start();
