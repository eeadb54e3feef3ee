/* The hall displays page: what a display shows is a choice (the whole hall, these counters,
 * these departments); the checkboxes of the chosen list show, and are sent as [1, 3] or
 * ["TP", ...]; the other list is sent empty. */

import { widgets } from "./page.js";

function chosen(form) {
  const checked = form.querySelector('input[name="shows"]:checked');
  return checked ? checked.value : "all";
}

function sync(form) {
  const shows = chosen(form);
  form.querySelectorAll("[data-shows]").forEach((element) => {
    element.hidden = element.dataset.shows !== shows;
  });
}

widgets["checked-list"] = {
  read(element) {
    if (element.dataset.shows !== chosen(element.closest("form"))) return [];
    const values = Array.from(element.querySelectorAll('input[type="checkbox"]:checked'), (box) => box.value);
    return element.dataset.type === "int" ? values.map(Number) : values;
  },
  write(element, values) {
    const wanted = (values || []).map(String);
    element.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      box.checked = wanted.includes(box.value);
    });
    sync(element.closest("form"));
  },
};

document.querySelectorAll('input[name="shows"]').forEach((radio) => {
  radio.addEventListener("change", () => sync(radio.closest("form")));
});
