/* The suggestion box's form: choose a kind, write, optionally leave a contact, send; then the code
   to follow the answer by, large. At a kiosk (data-home-url) the page goes back to the kiosk by
   itself when left alone, and shows the code as a QR code to take away on a phone. Words come
   from the template (#strings), URLs from data-* attributes. */

import { api } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";

const data = $("feedback").dataset;
const strings = readJson("strings");
const form = $("feedback-form");
const text = $("text");
const KIOSK_IDLE_MS = 120000; // a visitor who walked away: back to the kiosk's first screen
const KIOSK_DONE_MS = 60000; // time to read or photograph the code

let idleTimer = null;

function backToKioskIn(delay) {
  if (!data.homeUrl) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => window.location.assign(data.homeUrl), delay);
}

function fail(error) {
  const message = strings["error_" + error.code];
  $("error").textContent = message || fill(strings.error_other, { message: error.message || error.code });
  $("error").hidden = false;
  $("error").scrollIntoView({ block: "center" });
}

function count() {
  $("text-count").textContent = fill(strings.count, { n: text.value.length, max: text.maxLength });
}

function chosenKind() {
  const checked = form.querySelector('input[name="kind"]:checked');
  return checked ? checked.value : null;
}

function codeText(code) {
  return code.slice(0, 4) + "-" + code.slice(4);
}

async function send(event) {
  event.preventDefault();
  $("error").hidden = true;
  const kind = chosenKind();
  if (!kind) return fail({ code: "kind" });
  if (!text.value.trim()) {
    text.focus();
    return fail({ code: "bad_text" });
  }
  const body = { kind, text: text.value };
  const contact = $("contact").value.trim();
  if (contact) body.contact = contact;
  if (data.token) body.ticket_token = data.token;
  const service = $("service");
  if (service && service.value) body.service = service.value;
  $("send").disabled = true;
  try {
    const answer = await api("POST", data.feedbackUrl, body, { timeoutMs: 15000 });
    done(answer.code);
  } catch (error) {
    fail(error);
  } finally {
    $("send").disabled = false;
  }
}

function done(code) {
  $("step-form").hidden = true;
  $("done-code").textContent = codeText(code);
  $("done-link").href = data.followUrl.replace("CODE", code);
  const qr = $("done-qr");
  if (qr) qr.src = data.qrUrl + "?code=" + encodeURIComponent(code);
  $("step-done").hidden = false;
  $("step-done").scrollIntoView({ block: "start" });
  backToKioskIn(KIOSK_DONE_MS);
}

form.addEventListener("submit", send);
text.addEventListener("input", count);
count();

const find = $("find");
if (find) {
  find.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("find-code").value.replace(/[\s-]/g, "").toUpperCase();
    if (code) window.location.assign(data.followUrl.replace("CODE", encodeURIComponent(code)));
  });
}

if (data.homeUrl) {
  ["pointerdown", "keydown", "input"].forEach((name) =>
    document.addEventListener(name, () => backToKioskIn(KIOSK_IDLE_MS), { passive: true })
  );
  backToKioskIn(KIOSK_IDLE_MS);
}
