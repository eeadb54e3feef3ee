/* What every administration page's scripts share: the words (#admin-strings), the JSON API with
 * the CSRF token (fetched from GET /api/session before the first change after a reload), the
 * widgets page scripts register for their forms, and the messages: a toast, a form's error
 * line, and the toast that survives the reload after a change ("flash"), so what is shown after
 * a change is always what is stored. */

import { api as request, hasCsrfToken, useCsrfToken } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";

const FLASH_KEY = "qms.admin.flash";
const TOAST_MS = 4000;

export const strings = readJson("admin-strings");

/** Form widgets by data-widget name: {read(element), write(element, value, item)}. */
export const widgets = {};

/** A mistake found in the page before anything is sent; its message is already in words. */
export class FormError extends Error {}

export async function api(method, url, payload) {
  if (method !== "GET" && !hasCsrfToken()) {
    const answer = await request("GET", document.body.dataset.sessionUrl);
    useCsrfToken(answer.csrf_token);
  }
  return request(method, url, payload);
}

export function describe(error) {
  if (error instanceof FormError) return error.message;
  const template = strings.errors[error.code];
  if (template) return fill(template, { detail: error.message });
  return error.message ? error.message : fill(strings.errors.server, { detail: error.status });
}

let toastTimer = null;

export function toast(text, kind) {
  const element = $("toast");
  clearTimeout(toastTimer);
  element.textContent = text;
  element.dataset.kind = kind || "success";
  element.hidden = false;
  toastTimer = setTimeout(() => {
    element.hidden = true;
  }, TOAST_MS);
}

/** Show the error on the form's own line (or as a toast); null clears it. A lost session
 * reloads to the sign-in form, which says so. */
export function showError(form, error) {
  const line = form.querySelector(".form-error");
  if (error && (error.code === "unauthorized" || error.code === "csrf")) {
    done(strings.errors.unauthorized, "error");
    return;
  }
  if (!line) return toast(describe(error), "error");
  line.textContent = error ? describe(error) : "";
  line.hidden = !error;
}

/** Reload to show what is stored, then say `message` (kept in sessionStorage across it). */
export function done(message, kind) {
  sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message, kind: kind || "success" }));
  window.location.reload();
}

export function showFlash() {
  const stored = sessionStorage.getItem(FLASH_KEY);
  if (!stored) return;
  sessionStorage.removeItem(FLASH_KEY);
  const flash = JSON.parse(stored);
  toast(flash.message, flash.kind);
}

/** Send a form's change; on success reload with `message`, else show why on the form. */
export async function send(form, method, url, payload, message) {
  const button = form.querySelector('[type="submit"]');
  showError(form, null);
  if (button) button.disabled = true;
  try {
    await api(method, url, payload);
    done(message || strings.saved);
  } catch (error) {
    showError(form, error);
    if (button) button.disabled = false;
  }
}
