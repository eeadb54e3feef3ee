/* The priority page: the categories table (code, names, order), sent whole as one list.
 * A category already on tickets keeps its code and cannot be removed (the server says so too). */

import { $, readJson } from "../../static/js/dom.js";
import { send } from "./page.js";

const form = document.querySelector(".categories-form");
const list = $("category-list");
const template = $("category-row");
const used = readJson("used-categories");

function syncButtons() {
  const all = Array.from(list.children);
  all.forEach((row, index) => {
    row.querySelector('[data-move="-1"]').disabled = index === 0;
    row.querySelector('[data-move="1"]').disabled = index === all.length - 1;
  });
}

function addRow(category) {
  const row = template.content.firstElementChild.cloneNode(true);
  row.querySelector(".category-code").value = category.code || "";
  row.querySelector(".category-name").value = category.name || "";
  row.querySelector(".category-name-en").value = category.name_en || "";
  if (used.includes(category.code)) {
    row.querySelector(".category-code").readOnly = true;
    row.querySelector("[data-remove-row]").disabled = true;
  }
  list.appendChild(row);
  syncButtons();
  return row;
}

readJson("category-items").forEach(addRow);
$("add-category").addEventListener("click", () => {
  addRow({}).querySelector(".category-code").focus();
});
list.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const row = button.closest("tr");
  if (button.hasAttribute("data-remove-row")) row.remove();
  else if (button.dataset.move === "-1" && row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
  else if (button.dataset.move === "1" && row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
  syncButtons();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const categories = Array.from(list.children).map((row) => ({
    code: row.querySelector(".category-code").value.trim(),
    name: row.querySelector(".category-name").value.trim(),
    name_en: row.querySelector(".category-name-en").value.trim(),
  }));
  send(form, "PUT", form.dataset.url, { categories, reason: form.elements.reason.value.trim() });
});
