/* The head of the "who is the ticket for?" screen: the service chosen and, when the center wrote
   the service's guide, what to bring ("Bạn cần mang theo: ..."), its fee and its processing time,
   before the ticket is taken. */

import { $, element, fill } from "../../static/js/dom.js";
import { serviceName, strings } from "./page.js";

function renderGuide(guide) {
  $("chosen-guide").hidden = !guide;
  if (!guide) return;
  $("guide-papers").replaceChildren(...guide.papers.map((paper) => element("li", "", paper)));
  const facts = [];
  if (guide.fee) facts.push(fill(strings.guide_fee, { fee: guide.fee }));
  if (guide.processing) facts.push(fill(strings.guide_processing, { time: guide.processing }));
  $("guide-facts").textContent = facts.join(" · ");
}

/* Show `service` as the one chosen, with its guide if it has one. */
export function renderChosenService(service) {
  $("chosen-service").replaceChildren(
    element("span", "chosen-code", service.code),
    element("span", "chosen-name", serviceName(service))
  );
  renderGuide(service.guide);
}
