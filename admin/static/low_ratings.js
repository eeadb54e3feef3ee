/* The monitor's low ratings: today's, read when the page opens (and after a reconnect), and
 * each new one at once from the `low_rating` push on the supervisors' socket, with its reasons,
 * comment and dossier. Words come from the page (#rating-words, #monitor-strings). */

import { $, element, fill, readJson } from "../../static/js/dom.js";
import { api, describe, toast } from "./page.js";

const SHOWN = 50; // the newest of the day; the reports page has them all

export function lowRatings(url, strings) {
  const words = readJson("rating-words");
  const list = $("low-ratings");
  const seen = new Set();
  let items = [];

  function line(rating) {
    const item = element("li", "low-rating");
    item.dataset.ticket = rating.ticket;
    const time = new Date(rating.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const who = [time, rating.label, words.services[rating.service] || rating.service];
    if (rating.counter) who.push(fill(strings.lowCounter, { counter: rating.counter }));
    if (rating.clerk) who.push(rating.clerk);
    item.append(element("span", "low-who", who.join(" · ")));
    item.append(element("strong", "low-level", words.levels[rating.level] || rating.level));
    const reasons = rating.reasons.map((code) => words.reasons[code] || code);
    if (reasons.length) item.append(element("span", "low-reasons", reasons.join(", ")));
    if (rating.comment) item.append(element("q", "low-comment", rating.comment));
    if (rating.dossier) item.append(element("span", "low-dossier", fill(strings.lowDossier, { dossier: rating.dossier })));
    return item;
  }

  function draw() {
    list.replaceChildren(...(items.length ? items.slice(0, SHOWN).map(line) : [element("li", "empty", strings.noLowRatings)]));
    $("low-count").textContent = items.length;
    $("low-box").dataset.alert = String(items.length > 0);
  }

  return {
    async load() {
      try {
        const answer = await api("GET", url);
        items = answer.ratings;
        seen.clear();
        for (const rating of items) seen.add(rating.ticket);
        draw();
      } catch (error) {
        toast(describe(error), "error");
      }
    },
    add(rating) {
      if (seen.has(rating.ticket)) return;
      seen.add(rating.ticket);
      items = [rating, ...items];
      draw();
      list.firstElementChild.classList.add("is-new");
      toast(fill(strings.lowArrived, { label: rating.label }), "error");
    },
  };
}
