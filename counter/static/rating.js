/* The rating tablet facing the visitor at one counter.
 *
 * It listens on the `/rating` socket for its counter's finished tickets (`rate` {ticket, label}),
 * asks how the service was, takes an optional comment, sends the answer with POST /api/ratings,
 * thanks the visitor and goes back to idle. The socket only pushes; the answer goes over HTTP.
 * A question nobody touches for a minute goes away, so the next visitor never finds the last
 * one's; a face chosen but never sent still counts (it is sent without the comment). While it
 * asks nothing it shows the face of the screen over its counter (counter_face.js). */

import { api } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";
import { openSocket } from "../../static/js/live.js";
import { mountCounterFace } from "./counter_face.js";

const THANKS_MS = 4000; // how long "thank you" (or "cannot be rated") stays before idle
const UNTOUCHED_MS = 60_000; // a question left this long without a tap goes back to idle
const REFUSED_RETRY_MS = 5000; // the server refused the socket: ask again after this

const body = document.body;
const strings = readJson("strings");

let current = null; // the open question: {ticket, label, score, sending}
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
  current = { ticket: request.ticket, label: request.label, score: null, sending: false };
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
  if (comment) answer.comment = comment;
  try {
    await api("POST", body.dataset.ratingsUrl, answer);
    return "sent";
  } catch (error) {
    if (error.code === "already_rated") return "sent"; // the same answer got there before
    // status 0 is the network: the visitor may press Send again
    return error.status === 404 || error.status === 409 ? "closed" : "retry";
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
    refused: (retry) => setTimeout(retry, REFUSED_RETRY_MS),
  });
}

for (const button of document.querySelectorAll(".score")) {
  button.addEventListener("click", () => choose(button));
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
connect();
