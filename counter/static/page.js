/* What the counter page gives its scripts: the words in the page's language (#strings), the
 * service and priority names, and small helpers to put them together. */

export const $ = (id) => document.getElementById(id);

const readJson = (id) => JSON.parse($(id).textContent);

export const strings = readJson("strings");
const serviceNames = readJson("service-names");
export const priorityNames = readJson("priority-names");

/** Fill the {name} marks of a page string. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (mark, key) => (key in values ? String(values[key]) : mark));
}

export function serviceName(code) {
  return serviceNames[code] || code;
}

/** A counter's name, or "Counter N" in the page's language for the default name "Quầy N". */
export function counterTitle(counter) {
  const plain = !counter.name || counter.name === "Quầy " + counter.number;
  return plain ? fill(strings.counter, { number: counter.number }) : counter.name;
}
