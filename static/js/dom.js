/* What every screen does with its page: find elements, read the data the server rendered into
 * <script type="application/json"> blocks (data, not script: the CSP allows them), put words
 * together, and make small elements. Every word shown comes from the page, in its language. */

export const $ = (id) => document.getElementById(id);

/** The JSON of the page's <script type="application/json" id="…"> block. */
export function readJson(id) {
  return JSON.parse($(id).textContent);
}

/** Fill the {name} marks of a page string; a mark without a value stays as written. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (mark, key) => (key in values ? String(values[key]) : mark));
}

/** A new element with a class and its text (textContent: never parsed as HTML). */
export function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}
