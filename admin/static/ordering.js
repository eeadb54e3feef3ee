/* Reordering what the kiosk lists: the departments, and each department's services.
 *
 * A list is an element with data-order-url holding rows tr[data-code]; each row has buttons
 * data-order-move="up" / "down". A click sends the whole list as the page shows it, with the
 * row and its neighbour swapped, and reloads: the page shows what is stored. If the list
 * changed since the page was loaded (another admin added or removed an item), the server
 * refuses it; the page then reloads with the list as it is now, and says so (data-order-stale).
 * After the reload, the moved row's button has the focus again, so a keyboard can keep moving.
 */

import { api, describe, done, strings, toast } from "./page.js";

const MOVED_KEY = "qms.admin.moved";

function move(button) {
  const list = button.closest("[data-order-url]");
  const row = button.closest("tr[data-code]");
  const codes = Array.from(list.querySelectorAll("tr[data-code]"), (item) => item.dataset.code);
  const index = codes.indexOf(row.dataset.code);
  const other = index + (button.dataset.orderMove === "up" ? -1 : 1);
  if (other < 0 || other >= codes.length) return;
  [codes[index], codes[other]] = [codes[other], codes[index]];
  button.disabled = true;
  list.setAttribute("aria-busy", "true"); // one move at a time: the next one needs this one's list
  api("PUT", list.dataset.orderUrl, { codes })
    .then(() => {
      sessionStorage.setItem(MOVED_KEY, JSON.stringify({ code: row.dataset.code, move: button.dataset.orderMove }));
      done(strings.saved);
    })
    .catch((error) => {
      if (error.code === "order" || error.status === 404) {
        done(button.closest("[data-order-stale]").dataset.orderStale, "error");
        return;
      }
      button.disabled = false;
      list.removeAttribute("aria-busy");
      toast(describe(error), "error");
    });
}

function refocus() {
  const stored = sessionStorage.getItem(MOVED_KEY);
  if (!stored) return;
  sessionStorage.removeItem(MOVED_KEY);
  const moved = JSON.parse(stored);
  const row = document.querySelector(`tr[data-code="${CSS.escape(moved.code)}"]`);
  if (!row) return;
  const buttons = Array.from(row.querySelectorAll("[data-order-move]")).filter((each) => !each.disabled);
  const same = buttons.find((each) => each.dataset.orderMove === moved.move);
  if (same || buttons[0]) (same || buttons[0]).focus();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-order-move]");
  if (button && !button.disabled && !button.closest("[aria-busy]")) move(button);
});

refocus();
