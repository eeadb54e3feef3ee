/* The JSON API as every screen calls it: the session cookie, the CSRF token on every change once
 * a page has one, a paired device's token (device.js) on every request, errors as ApiError
 * {status, code, message}, and the server's clock (from each answer's Date header), which timers
 * follow rather than the device's own clock. */

import { deviceToken } from "./device.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = null;
let serverOffsetMs = 0;

/** The token GET/POST /api/session gave; null after signing out. Public screens never set one. */
export function useCsrfToken(token) {
  csrfToken = token;
}

export function hasCsrfToken() {
  return Boolean(csrfToken);
}

export function serverNow() {
  return Date.now() + serverOffsetMs;
}

function noteServerTime(response) {
  const date = Date.parse(response.headers.get("Date") || "");
  if (Number.isNaN(date)) return;
  const offset = date + 500 - Date.now(); // the header has whole seconds
  if (Math.abs(offset - serverOffsetMs) > 1500) serverOffsetMs = offset;
}

/** Send a request; answer its JSON (null for 204), or throw an ApiError (status 0, code
 * "network" when no answer came). options: cache (a fetch cache mode: "no-store" where a
 * stale answer would mislead), timeoutMs (give up then, as a network failure: a kiosk must
 * not wait for ever). */
export async function api(method, url, payload, options = {}) {
  const headers = { Accept: "application/json" };
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const device = deviceToken();
  if (device) headers["X-Device-Token"] = device;
  const controller = options.timeoutMs ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), options.timeoutMs) : null;
  let response;
  let data = null;
  try {
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        cache: options.cache || "default",
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: controller ? controller.signal : undefined,
      });
    } catch (_error) {
      throw new ApiError(0, "network", "");
    }
    noteServerTime(response);
    if (response.status === 204) return null;
    try {
      data = await response.json(); // read it all even on failure: it frees the connection
    } catch (_error) {
      data = null;
    }
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      (data && data.error) || "server",
      (data && data.message) || response.statusText
    );
  }
  return data;
}
