/* This browser as a paired device of the center: a kiosk, a hall display, a counter screen, a
 * rating tablet (or, outside the browser, a print agent).
 *
 * The device keeps its token in localStorage (it survives reloads and restarts); api.js sends it
 * with every request as `X-Device-Token`, live.js with every socket as `auth: {device}`. The
 * server keeps only the token's hash and tells who the device is (GET /api/devices/me).
 *
 * Pairing: the device asks for a code (POST /api/devices/pairing), which also gives it the token
 * to keep; it shows the code full screen and asks every few seconds whether an admin has entered
 * it (Administration › Devices); a code lasts ten minutes, then a new one is shown. Once paired,
 * the pairing screen goes and the page carries on.
 *
 * API, for any page (import from "/static/js/device.js"):
 *   deviceToken()           the token, or null
 *   forgetDevice()          drop the token (the device is unpaired on this browser)
 *   whoAmI()                -> {status: "paired", device: {id, kind, target, name}}
 *                              | {status: "pending", code, expires_at} | {status: "unpaired"}
 *                              | {status: "offline"}; a revoked token is forgotten here
 *   requirePairing(kind)    -> Promise of the device once paired as `kind` ("tablet",
 *                              "counter_screen", ...): shows the pairing screen until then; a
 *                              device paired as another kind is paired again
 *   offerPairing()          shows the pairing screen when the address asks for it (?pair=1), for
 *                              the pages that also work unpaired (kiosk, display); resolves as
 *                              requirePairing does, or at once with null
 *   adoptInstallerToken()   takes a token given in the address (#device=TOKEN, from
 *                              `flask pair-device`) and removes it from the address bar; done
 *                              once as this module loads, before any request or socket
 *
 * The pairing screen is the page's own markup (templates/device_pairing.html, in its language):
 * include it in the page, with its strings; this module only shows it and fills the code.
 */

const KEY = "qms.device.token";
const POLL_MS = 2000;
const ME_URL = "/api/devices/me";
const PAIRING_URL = "/api/devices/pairing";

export function deviceToken() {
  try {
    return window.localStorage.getItem(KEY);
  } catch (_error) {
    return null; // storage switched off: an unpaired device
  }
}

function keep(token) {
  try {
    window.localStorage.setItem(KEY, token);
  } catch (_error) {
    /* storage switched off: the pairing lasts until the page reloads */
  }
}

export function forgetDevice() {
  try {
    window.localStorage.removeItem(KEY);
  } catch (_error) {
    /* nothing kept */
  }
}

export function adoptInstallerToken() {
  const match = /(?:^#|&)device=([A-Za-z0-9_-]{20,100})/.exec(window.location.hash);
  if (!match) return;
  keep(match[1]);
  const address = window.location.pathname + window.location.search;
  window.history.replaceState(null, "", address); // out of the address bar and the history
}

async function ask(method, url, token) {
  const headers = { Accept: "application/json" };
  if (token) headers["X-Device-Token"] = token;
  const response = await fetch(url, { method, headers, credentials: "same-origin", cache: "no-store" });
  let data = null;
  try {
    data = await response.json();
  } catch (_error) {
    data = null;
  }
  return { status: response.status, data };
}

export async function whoAmI() {
  const token = deviceToken();
  if (!token) return { status: "unpaired" };
  try {
    const answer = await ask("GET", ME_URL, token);
    if (answer.status === 200 && answer.data) return answer.data;
    if (answer.status === 401) {
      forgetDevice(); // revoked, or a code that expired unused
      return { status: "unpaired" };
    }
  } catch (_error) {
    /* no answer */
  }
  return { status: "offline" };
}

function screen() {
  return document.getElementById("device-pairing");
}

function strings() {
  const block = document.getElementById("device-strings");
  return block ? JSON.parse(block.textContent) : {};
}

function say(text) {
  const status = document.getElementById("device-status");
  if (status) status.textContent = text || "";
}

function showCode(code, expiresAt) {
  const shown = screen();
  if (!shown) return;
  document.getElementById("device-code").textContent = code.slice(0, 3) + " " + code.slice(3);
  const until = new Date(expiresAt);
  const time = until.toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", {
    hour: "2-digit",
    minute: "2-digit",
  });
  document.getElementById("device-expiry").textContent = (strings().expires || "").replace("{time}", time);
  shown.hidden = false;
  document.body.dataset.pairing = "shown";
}

function hide() {
  const shown = screen();
  if (shown) shown.hidden = true;
  delete document.body.dataset.pairing;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ask for a code and keep its token; false when the server did not answer. */
async function startPairing() {
  try {
    const answer = await ask("POST", PAIRING_URL, null);
    if (answer.status === 201 && answer.data) {
      keep(answer.data.token);
      showCode(answer.data.code, answer.data.expires_at);
      say("");
      return true;
    }
    say(strings().busy);
  } catch (_error) {
    say(strings().offline);
  }
  return false;
}

export async function requirePairing(kind) {
  for (;;) {
    const state = await whoAmI();
    if (state.status === "paired") {
      if (!kind || state.device.kind === kind) {
        hide();
        return state.device;
      }
      forgetDevice(); // paired as something else: this page needs it as `kind`
      say(strings().otherKind);
      continue;
    }
    if (state.status === "pending") {
      showCode(state.code, state.expires_at);
      say("");
    } else if (state.status === "unpaired") {
      await startPairing();
    } else {
      if (screen()) screen().hidden = false;
      say(strings().offline);
    }
    await wait(POLL_MS);
  }
}

export async function offerPairing(kind) {
  adoptInstallerToken();
  const asked = new URLSearchParams(window.location.search).get("pair") === "1";
  if (!asked) {
    const state = await whoAmI(); // forgets a revoked token, so the page works on unpaired
    return state.status === "paired" ? state.device : null;
  }
  const device = await requirePairing(kind);
  const address = new URL(window.location.href);
  address.searchParams.delete("pair");
  window.history.replaceState(null, "", address.pathname + address.search);
  return device;
}

adoptInstallerToken();
