/* The counters page: the ordered list of services a counter calls (first listed, first
 * called), edited with add, move up, move down and remove; sent as ["A", "B", ...]. */

import { $, readJson } from "../../static/js/dom.js";
import { widgets } from "./page.js";

const names = readJson("service-names");
const itemTemplate = $("ordered-item");

function codes(element) {
  return Array.from(element.querySelectorAll(".ordered-item")).map((item) => item.dataset.code);
}

function render(element, list) {
  const container = element.querySelector(".ordered-list");
  container.replaceChildren(
    ...list.map((code, index) => {
      const item = itemTemplate.content.firstElementChild.cloneNode(true);
      item.dataset.code = code;
      item.querySelector(".ordered-rank").textContent = String(index + 1);
      item.querySelector(".code").textContent = code;
      item.querySelector(".ordered-name").textContent = names[code] || code;
      item.querySelector('[data-move="-1"]').disabled = index === 0;
      item.querySelector('[data-move="1"]').disabled = index === list.length - 1;
      return item;
    })
  );
  element.querySelector(".empty-hint").hidden = list.length > 0;
  const select = element.querySelector(".ordered-select");
  Array.from(select.options).forEach((option) => { option.disabled = list.includes(option.value); });
  const free = Array.from(select.options).find((option) => !option.disabled);
  if (free) select.value = free.value;
  element.querySelector("[data-add-service]").disabled = !free;
}

widgets["ordered-services"] = {
  read(element) {
    return codes(element);
  },
  write(element, services) {
    render(element, services ? services.slice() : []);
  },
};

document.querySelectorAll('[data-widget="ordered-services"]').forEach((element) => {
  element.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const list = codes(element);
    if (button.hasAttribute("data-add-service")) {
      const code = element.querySelector(".ordered-select").value;
      if (code && !list.includes(code)) list.push(code);
    } else if (button.dataset.move) {
      const index = list.indexOf(button.closest(".ordered-item").dataset.code);
      const other = index + Number(button.dataset.move);
      [list[index], list[other]] = [list[other], list[index]];
    } else if (button.hasAttribute("data-drop")) {
      list.splice(list.indexOf(button.closest(".ordered-item").dataset.code), 1);
    } else {
      return;
    }
    render(element, list);
  });
});
