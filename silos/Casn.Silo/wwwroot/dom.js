// Builds page content from server data as DOM nodes, never by parsing it as HTML: whatever a name, a
// code or a reason holds ends up as text on the screen, not as markup or script.
"use strict";

/** el("td", { className: "total" }, "12", otherNode): an element with attributes and children (strings become text). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.flat().map((child) => child instanceof Node ? child : document.createTextNode(String(child ?? ""))));
  return node;
}
