/* The administration pages' shared script: it wires what the pages declare in their HTML.
 *
 * The server renders each page with its data; changes go to /api/admin (page.js: JSON, the
 * session cookie and the X-CSRF-Token header) and the page reloads on success, so what is shown
 * is always what is stored. Pages declare what to do in their HTML, this script does the rest:
 *   - <form class="edit-form" data-method data-url>: saved as JSON from its named fields;
 *   - <dialog data-create-url data-update-url data-items data-key>, opened by buttons with
 *     data-open (and data-edit="<key>" to edit an item of the JSON block data-items names);
 *   - buttons with data-action-url (data-action-method, data-action-body, data-confirm);
 *   - fields with data-type="int", data-create-only; widgets (data-widget) that page scripts
 *     register in page.js's `widgets` with read(element) and write(element, value).
 * Every word shown comes from #admin-strings.
 */

import { api as request, useCsrfToken } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";
import { api, describe, done, send, showError, showFlash, strings, toast, widgets } from "./page.js";

const body = document.body;

// ---------- forms ----------

function plainFields(form) {
  return Array.from(form.querySelectorAll("[name]")).filter(
    (element) => !element.closest("[data-widget]") && !element.hasAttribute("data-ignore")
  );
}

function readForm(form, mode) {
  const data = {};
  plainFields(form).forEach((element) => {
    if (mode === "update" && element.hasAttribute("data-create-only")) return;
    if (element.type === "radio") {
      if (element.checked) {
        data[element.name] = element.dataset.type === "int" ? Number(element.value) : element.value;
      }
    } else if (element.type === "checkbox") {
      data[element.name] = element.checked;
    } else if (element.dataset.type === "int") {
      data[element.name] = element.value.trim() === "" ? null : Number(element.value);
    } else {
      data[element.name] = element.value.trim();
    }
  });
  form.querySelectorAll("[data-widget]").forEach((element) => {
    data[element.dataset.name] = widgets[element.dataset.widget].read(element);
  });
  return data;
}

function writeForm(form, item) {
  plainFields(form).forEach((element) => {
    if (!(element.name in item)) return;
    const value = item[element.name];
    if (element.type === "radio") element.checked = String(value) === element.value;
    else if (element.type === "checkbox") element.checked = Boolean(value);
    else element.value = value === null || value === undefined ? "" : value;
  });
  form.querySelectorAll("[data-widget]").forEach((element) => {
    widgets[element.dataset.widget].write(element, item[element.dataset.name], item);
  });
}

function submitForm(form) {
  const dialog = form.closest("dialog");
  let payload;
  try {
    payload = readForm(form, dialog ? dialog.dataset.mode : "update");
  } catch (error) {
    showError(form, error);
    return;
  }
  if (!dialog) return send(form, form.dataset.method || "PUT", form.dataset.url, payload);
  const create = dialog.dataset.mode === "create";
  const url = create ? dialog.dataset.createUrl : dialog.dataset.updateUrl.replace("KEY", encodeURIComponent(dialog.dataset.key));
  const method = create ? "POST" : dialog.dataset.updateMethod || "PUT";
  return send(form, method, url, payload);
}

// ---------- dialogs ----------

function openDialog(dialog, key) {
  const form = dialog.querySelector("form");
  const mode = key === undefined ? "create" : "update";
  const item = key === undefined ? {} : readJson(dialog.dataset.items)[key];
  form.reset();
  form.querySelectorAll('[name="password"]').forEach((input) => { input.type = "password"; });
  showError(form, null);
  dialog.dataset.mode = mode;
  dialog.dataset.key = key === undefined ? "" : key;
  const title = dialog.querySelector("h2");
  const template = title.dataset[mode === "create" ? "titleAdd" : "titleEdit"] || "";
  title.textContent = fill(template, { key: key === undefined ? "" : key });
  form.querySelectorAll("[data-create-only]").forEach((element) => { element.disabled = mode === "update"; });
  form.querySelectorAll("[data-create-only-field]").forEach((element) => { element.hidden = mode === "update"; });
  const submit = form.querySelector('[type="submit"]');
  if (submit) submit.disabled = false;
  writeForm(form, item);
  dialog.showModal();
  const first = form.querySelector("input:not([disabled]):not([type=hidden]):not([type=radio]):not([type=checkbox]), select");
  if (first) first.focus();
}

let pendingAction = null;

function confirmAction(button) {
  const dialog = $("confirm-dialog");
  const form = $("confirm-form");
  const removing = button.dataset.actionMethod === "DELETE";
  form.reset();
  showError(form, null);
  $("confirm-title").textContent = removing ? fill(strings.confirmRemove, { name: button.dataset.confirm }) : button.dataset.confirm;
  $("confirm-text").textContent = button.dataset.confirmText || (removing ? strings.confirmRemoveText : "");
  $("confirm-submit").textContent = button.dataset.confirmButton || (removing ? strings.remove : $("confirm-submit").dataset.label);
  $("confirm-submit").disabled = false;
  pendingAction = button;
  dialog.showModal();
}

function runAction(button, form, reason) {
  const method = button.dataset.actionMethod || "PUT";
  const payload = Object.assign(JSON.parse(button.dataset.actionBody || "{}"), reason ? { reason } : {});
  const message = method === "DELETE" ? strings.removed : strings.saved;
  if (form) return send(form, method, button.dataset.actionUrl, payload, message);
  button.disabled = true;
  return api(method, button.dataset.actionUrl, payload)
    .then(() => done(message))
    .catch((error) => {
      button.disabled = false;
      toast(describe(error), "error");
    });
}

// ---------- signing in and out ----------

async function signIn(form) {
  showError(form, null);
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const answer = await request("POST", body.dataset.sessionUrl, {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
    });
    useCsrfToken(answer.csrf_token);
    window.location.reload();
  } catch (error) {
    if (error.code === "unauthorized") error.code = "unauthorized_sign_in";
    showError(form, error);
    button.disabled = false;
  }
}

async function signOut() {
  try {
    await api("DELETE", body.dataset.sessionUrl);
  } catch (_error) {
    // signed out already, or the server is away: either way show the sign-in form
  }
  window.location.reload();
}

function suggestPassword(button) {
  const input = button.parentElement.querySelector("input");
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const random = new Uint32Array(12);
  window.crypto.getRandomValues(random);
  input.type = "text";
  input.value = Array.from(random, (n) => alphabet[n % alphabet.length]).join("");
  input.select();
}

// ---------- wiring ----------

document.addEventListener("click", (event) => {
  const target = event.target.closest("button, a");
  if (!target) return;
  if (target.dataset.open) {
    openDialog($(target.dataset.open), target.dataset.edit);
  } else if (target.hasAttribute("data-dismiss")) {
    target.closest("dialog").close();
  } else if (target.dataset.actionUrl) {
    if (target.dataset.confirm) confirmAction(target);
    else runAction(target, null, "");
  } else if (target.id === "sign-out") {
    signOut();
  } else if (target.hasAttribute("data-suggest-password")) {
    suggestPassword(target);
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.id === "sign-in-form") {
    event.preventDefault();
    signIn(form);
  } else if (form.id === "confirm-form") {
    event.preventDefault();
    if (pendingAction) runAction(pendingAction, form, form.elements.reason.value.trim());
  } else if (form.classList.contains("edit-form")) {
    event.preventDefault();
    submitForm(form);
  }
});

$("confirm-submit").dataset.label = $("confirm-submit").textContent;
showFlash();
body.dataset.ready = "true"; // the page's buttons work from now on (tests wait for it)
