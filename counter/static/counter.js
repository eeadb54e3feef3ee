/* The clerk's counter terminal: sign in, choose and open a counter, then work it.
 *
 * Commands go over HTTP (the JSON API, with the session cookie and the CSRF token); the
 * `/counter` socket only pushes: the board, whose waiting counts the terminal shows, and counter
 * changes, so a clerk a supervisor moves to another counter finds their screen there. Every word
 * shown comes from the page (#strings), every URL from data-* attributes on <body>.
 * A reload mid-shift finds the clerk's counter again: GET /api/session, then the counter
 * remembered in localStorage (or, failing that, the one the clerk holds).
 */

import { api, useCsrfToken } from "../../static/js/api.js";
import { $, fill } from "../../static/js/dom.js";
import { heldBy, renderCounters } from "./chooser.js";
import { bindDialogs, needsDialog, openDialog } from "./dialogs.js";
import { bindDossier, dossierPayload, renderDossier } from "./dossier.js";
import { bindShortcuts } from "./keyboard.js";
import { connectLive, disconnectLive, setLive } from "./live.js";
import { actionDone, describe, hideMessage, showMessage } from "./messages.js";
import { serviceName, strings } from "./page.js";
import { prioritise } from "./priority.js";
import { allowed, refusal, renderButtons, renderQueue, renderTerminal, updateTimer } from "./terminal.js";
import { showSignIn, showView } from "./views.js";

const body = document.body;
const sessionUrl = body.dataset.sessionUrl;
const countersUrl = body.dataset.countersUrl;
const ticketsUrl = body.dataset.ticketsUrl;

const state = {
  user: null,
  counter: null, // as GET /api/counters/<n>: number, name, status, clerk, services, ticket, waiting
  counters: [],
  waiting: {},
  busy: false,
};

const counterUrl = (number, action) => countersUrl + "/" + number + (action ? "/" + action : "");
const storageKey = () => "qms.counter." + (state.user ? state.user.username : "");
const isMine = (counter) => heldBy(counter, state.user.username);
const can = (action) => !state.busy && allowed(state.counter, action);

function render() {
  if (state.counter) renderTerminal(state.counter, state.waiting, state.busy);
  renderDossier(state.counter ? state.counter.ticket : null);
}

function showError(error, context) {
  if (error.status === 401 || error.code === "csrf") {
    signedOut(describe(error, {}));
    return;
  }
  const held = state.counter && state.counter.ticket ? state.counter.ticket.label : "";
  showMessage(describe(error, Object.assign({ held }, context)), "error");
}

// ---------- signing in and out ----------

function signedIn(session) {
  state.user = session.user;
  useCsrfToken(session.csrf_token);
  $("shift-user").textContent = session.user.username;
}

function signedOut(reason) {
  disconnectLive();
  state.user = null;
  state.counter = null;
  useCsrfToken(null);
  hideMessage();
  showSignIn(reason);
}

async function submitSignIn(event) {
  event.preventDefault();
  const submit = $("sign-in-submit");
  const label = submit.textContent;
  submit.disabled = true;
  submit.textContent = strings.signingIn;
  try {
    const session = await api("POST", sessionUrl, {
      username: $("username").value.trim(),
      password: $("password").value,
    });
    $("password").value = "";
    $("sign-in-error").hidden = true;
    signedIn(session);
    await resumeShift();
  } catch (error) {
    showSignIn(error.status === 401 ? strings.errors.unauthorized_sign_in : describe(error, {}));
    $("password").select();
  } finally {
    submit.disabled = false;
    submit.textContent = label;
  }
}

/** Close the clerk's counter (refused while a ticket is in hand), then sign out. */
async function signOut() {
  const counter = state.counter;
  try {
    if (counter && isMine(counter)) {
      await api("POST", counterUrl(counter.number, "close"), {});
      localStorage.removeItem(storageKey());
    }
    await api("DELETE", sessionUrl);
  } catch (error) {
    if (error.status !== 401) {
      showError(error, { number: counter ? counter.number : "" });
      return;
    }
  }
  signedOut("");
}

// ---------- choosing and opening a counter ----------

async function resumeShift() {
  const remembered = Number(localStorage.getItem(storageKey()));
  if (remembered) {
    try {
      const counter = await api("GET", counterUrl(remembered));
      if (isMine(counter)) return enterTerminal(counter);
    } catch (error) {
      if (error.status === 401) return showError(error);
    }
    localStorage.removeItem(storageKey());
  }
  await showCounters();
  const mine = state.counters.find(isMine);
  if (mine) enterTerminal(mine);
}

async function loadCounters() {
  state.counters = await api("GET", countersUrl);
  renderCounters(state.counters, state.user.username, openCounter);
}

async function showCounters() {
  showView("choose");
  try {
    await loadCounters();
  } catch (error) {
    showError(error);
  }
}

async function openCounter(number) {
  const known = state.counters.find((counter) => counter.number === number);
  if (known && isMine(known)) return enterTerminal(known);
  try {
    enterTerminal(await api("POST", counterUrl(number, "open"), {}));
    showMessage(fill(strings.opened, { number }), "success");
  } catch (error) {
    if (error.status === 401) return showError(error);
    try {
      await loadCounters(); // who holds it now, for the message
    } catch (_ignored) {
      // the list stays as it was; the message below says what went wrong
    }
    const holder = state.counters.find((counter) => counter.number === number);
    const mine = state.counters.find(isMine);
    showError(error, { number, clerk: holder && holder.clerk, other: mine ? mine.number : "" });
  }
}

// ---------- the terminal ----------

function enterTerminal(counter) {
  state.counter = counter;
  state.waiting = Object.assign({}, state.waiting, counter.waiting);
  localStorage.setItem(storageKey(), String(counter.number));
  showView("terminal");
  render();
  connectSocket();
}

async function refreshCounter() {
  if (!state.counter) return;
  try {
    const counter = await api("GET", counterUrl(state.counter.number));
    if (!state.counter || counter.number !== state.counter.number) return;
    if (!isMine(counter)) {
      // closed or taken over elsewhere: carry on where the clerk now is, or back to the list
      state.counter = null;
      localStorage.removeItem(storageKey());
      await showCounters();
      const mine = state.counters.find(isMine);
      if (mine) enterTerminal(mine);
      return;
    }
    state.counter = counter;
    state.waiting = Object.assign({}, state.waiting, counter.waiting);
    render();
  } catch (error) {
    if (error.status === 401) showError(error);
  }
}

/** A supervisor (or another of the clerk's own screens) changed a counter of this clerk's. */
async function counterChanged(change) {
  if (!state.user || change.by === state.user.username || state.busy) return;
  const me = state.user.username;
  const before = state.counter ? state.counter.number : null;
  if (change.number !== before && change.clerk !== me) return;
  await refreshCounter();
  if (!state.counter && change.clerk === me) {
    await showCounters(); // moved here from the list (or from a counter just closed)
    const mine = state.counters.find(isMine);
    if (mine) enterTerminal(mine);
  }
  const after = state.counter ? state.counter.number : null;
  if (after !== null && after !== before) {
    showMessage(fill(strings.movedTo, { number: after }), "info", true);
  } else if (after === null && before !== null) {
    showMessage(fill(strings.closedBy, { clerk: change.by, number: before }), "warn", true);
  }
}

async function act(action, payload) {
  if (!can(action)) return;
  if (action === "priority") return prioritise(ticketsUrl, payload, showError);
  const counter = state.counter;
  const label = (payload && payload.label) || "";
  state.busy = true;
  renderButtons(counter, true);
  try {
    const path = action === "resume" ? "open" : action;
    const result = await api("POST", counterUrl(counter.number, path), payload || {});
    afterAction(action, result, payload || {});
  } catch (error) {
    showError(error, { number: counter.number, label });
    refreshCounter();
  } finally {
    state.busy = false;
    render();
  }
}

function afterAction(action, result, payload) {
  const counter = state.counter;
  if (action === "close") {
    localStorage.removeItem(storageKey());
    state.counter = null;
    showMessage(fill(strings.closed, { number: counter.number }), "success");
    showCounters();
  } else if (action === "pause" || action === "resume") {
    Object.assign(counter, result);
    showMessage(
      action === "pause" ? fill(strings.pausedFor, { reason: payload.reason }) : strings.resumed,
      "info"
    );
  } else if (result === null) {
    showMessage(strings.nobodyWaiting, "info"); // 204: nobody waits for this counter
  } else {
    const ticket = result.ticket;
    const holding = ticket.status === "called" || ticket.status === "serving";
    counter.ticket = holding ? ticket : null;
    const values = { label: ticket.label, service: serviceName(payload.service) };
    showMessage(actionDone(action, values), "success");
  }
}

function trigger(action) {
  if (!can(action)) return;
  if (needsDialog(action)) openDialog(action, state.counter);
  else act(action, action === "finish" ? dossierPayload() : undefined);
}

// ---------- keyboard ----------

function shortcut(action) {
  if (state.busy) return;
  if (can(action)) {
    trigger(action);
  } else {
    const why = refusal(state.counter, action); // a clerk typing blind is not left guessing
    if (why) showMessage(why, "warn");
  }
}

// ---------- the live socket ----------

function connectSocket() {
  connectLive(body.dataset.socketNamespace, sessionUrl, {
    connected: refreshCounter,
    refused: showError,
    counter: counterChanged,
    board: (board) => {
      state.waiting = board.waiting || {};
      if (state.counter) renderQueue(state.counter, state.waiting);
    },
  });
}

// ---------- start ----------

function bind() {
  $("sign-in-form").addEventListener("submit", submitSignIn);
  $("sign-out").addEventListener("click", signOut);
  $("refresh-counters").addEventListener("click", showCounters);
  $("message-close").addEventListener("click", hideMessage);
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => trigger(button.dataset.action));
    // a mouse click leaves the focus where it was, so Space and Enter keep calling next
    button.addEventListener("mousedown", (event) => event.preventDefault());
  }
  bindDialogs(act);
  bindDossier((payload) => {
    if (!state.busy) act("finish", payload);
  });
  bindShortcuts(shortcut);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refreshCounter();
  });
  setInterval(() => updateTimer(state.counter), 1000);
}

async function start() {
  bind();
  setLive(false);
  try {
    signedIn(await api("GET", sessionUrl));
  } catch (error) {
    showSignIn(error.status === 401 ? "" : describe(error, {}));
    return;
  }
  await resumeShift();
}

start();
