/* What the counter page gives its scripts: the words in the page's language (#strings), the
 * service and priority names, and how to name a counter. */

import { fill, readJson } from "../../static/js/dom.js";

export const strings = readJson("strings");
const serviceNames = readJson("service-names");
export const priorityNames = readJson("priority-names");

export function serviceName(code) {
  return serviceNames[code] || code;
}

/** A counter's name, or "Counter N" in the page's language for the default name "Quầy N". */
export function counterTitle(counter) {
  const plain = !counter.name || counter.name === "Quầy " + counter.number;
  return plain ? fill(strings.counter, { number: counter.number }) : counter.name;
}
