/* The integration tokens page. Making a token is the one change that does not just reload: the
 * answer holds the token's secret, which the server keeps only hashed, so it is shown here once
 * (with a curl line to try it) and the page reloads when the admin closes that dialog.
 * Revoking goes through admin.js (data-action-url); this only words its confirmation. */

import { $, fill, readJson } from "../../static/js/dom.js";
import { api, done, showError, strings as adminStrings } from "./page.js";

const strings = readJson("token-strings");
const form = $("token-form");
const made = $("token-made-dialog");
Object.assign(adminStrings.errors, strings.errors); // the API's token error codes, in words

async function makeToken() {
  const button = form.querySelector('[type="submit"]');
  const payload = {
    name: form.elements.namedItem("name").value.trim(),
    role: form.elements.namedItem("role").value,
    reason: form.elements.namedItem("reason").value.trim(),
  };
  showError(form, null);
  button.disabled = true;
  try {
    const token = await api("POST", $("token-dialog").dataset.createUrl, payload);
    $("token-dialog").close();
    showOnce(token);
  } catch (error) {
    showError(form, error);
    button.disabled = false;
  }
}

function showOnce(token) {
  const title = $("token-made-title");
  const example = $("token-example");
  title.textContent = fill(title.dataset.title, { name: token.name });
  $("token-secret").value = token.token;
  example.value = `curl -H "Authorization: Bearer ${token.token}" ${example.dataset.url}`;
  $("token-copied").textContent = "";
  made.showModal();
  $("token-secret").select();
}

async function copy(input) {
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $("token-copied").textContent = strings.copied;
  } catch (_error) {
    $("token-copied").textContent = strings.copyByHand; // no clipboard here: the text is selected
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  makeToken();
});

made.addEventListener("cancel", (event) => event.preventDefault()); // Escape would lose the secret
made.addEventListener("close", () => done(adminStrings.saved));

document.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target) return;
  if (target.dataset.copy) copy($(target.dataset.copy));
  // admin.js has opened the confirmation ("Remove …?") by now; a token is revoked, not removed
  if (target.dataset.revokeTitle) $("confirm-title").textContent = target.dataset.revokeTitle;
});
