/* The list of counters a clerk chooses from: number, name, services, state, who holds it. */

import { $, element, fill } from "../../static/js/dom.js";
import { counterTitle, serviceName, strings } from "./page.js";

export function heldBy(counter, username) {
  return counter.status !== "closed" && counter.clerk === username;
}

export function renderCounters(counters, username, onChoose) {
  const list = $("counter-list");
  list.replaceChildren();
  if (!counters.length) {
    list.append(element("li", "empty", strings.noCounters));
  }
  for (const counter of counters) {
    const item = $("counter-card").content.firstElementChild.cloneNode(true);
    const card = item.querySelector(".counter-card");
    const mine = heldBy(counter, username);
    card.dataset.number = counter.number;
    card.dataset.status = counter.status;
    card.dataset.mine = String(mine);
    card.querySelector(".counter-number").textContent = counter.number;
    card.querySelector(".counter-name").textContent = counterTitle(counter);
    card.querySelector(".counter-services").textContent = counter.services
      .map((code) => code + " · " + serviceName(code))
      .join("\n");
    const chip = card.querySelector(".status-chip");
    chip.dataset.status = counter.status;
    chip.textContent = strings.status[counter.status] || counter.status;
    const waiting = Object.values(counter.waiting || {}).reduce((a, b) => a + b, 0);
    let holder = fill(strings.waitingCount, { count: waiting });
    if (mine) holder = strings.heldByYou + " · " + holder;
    else if (counter.status !== "closed") holder = fill(strings.heldBy, { clerk: counter.clerk });
    card.querySelector(".counter-holder").textContent = holder;
    card.addEventListener("click", () => onChoose(counter.number));
    list.append(item);
  }
}
