/* The JSON API as the counter page calls it: the session cookie, the CSRF token on every
 * change, errors as ApiError {status, code, message}, and the server's clock (from each
 * answer's Date header), which the ticket timer follows rather than the PC's own clock. */

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = null;
let serverOffsetMs = 0;

export function useCsrfToken(token) {
  csrfToken = token;
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

/** Send a request; answer its JSON (null for 204), or throw an ApiError. */
export async function api(method, url, payload) {
  const headers = { Accept: "application/json" };
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch (_error) {
    throw new ApiError(0, "network", "");
  }
  noteServerTime(response);
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (_error) {
    data = null;
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
