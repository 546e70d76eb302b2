/* Decision support beside each item: the quantity check of the request against the guideline limits, and the
 * library sections matching the item's description, the claims administrator's first, each one click from the basis.
 *
 * Every item's support comes in the one answer workspace.js asks for (precedents/support.py); an item that answer
 * has no part for (it did not come, or the user may not read that part) asks the per-item endpoints, as a fresh check
 * of one item does (`checkItem`). */
import { resultButton, searchLibrary, usDate } from "./basis-picker.js";

function showQuantity(aside, data) {
  const quantity = aside.querySelector(".support-quantity");
  quantity.replaceChildren();
  const findings = data.findings || [];
  if (!findings.length) {
    quantity.textContent = "Quantity check: no guideline limit found for this request.";
    return;
  }
  findings.forEach(function (finding) {
    const line = document.createElement("p");
    line.className = "mb-1 " + (finding.exceeds ? "text-danger fw-semibold" : "text-success");
    line.textContent = (finding.exceeds ? "Exceeds: " : "Within: ") + finding.message +
      (finding.edition ? " (" + finding.edition + ")" : "");
    quantity.appendChild(line);
  });
  if (data.on) {
    const note = document.createElement("p");
    note.className = "mb-1 text-muted";
    note.textContent = "Limits of the editions in force on " + usDate(data.on) + ", the UR decision date.";
    quantity.appendChild(note);
  }
}

function quantityCheck(root, aside) {
  const quantity = aside.querySelector(".support-quantity");
  if (!root.dataset.quantityUrl) { quantity.textContent = "Quantity check unavailable."; return; }
  const url = new URL(root.dataset.quantityUrl, window.location.origin);
  url.searchParams.set("text", aside.dataset.description);
  fetch(url, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.json() : { findings: [] };
  }).then(function (data) { showQuantity(aside, data); })
    .catch(function () { quantity.textContent = "Quantity check unavailable."; });
}

function showSections(panel, aside, found) {
  const sections = aside.querySelector(".support-sections");
  sections.replaceChildren();
  if (!found.length) {
    const none = document.createElement("li");
    none.className = "text-muted";
    none.textContent = "No matching section in the library.";
    sections.appendChild(none);
  }
  found.forEach(function (result) {
    const item = document.createElement("li");
    item.appendChild(resultButton(panel, result, true));
    sections.appendChild(item);
  });
}

function matchingSections(root, panel, aside) {
  if (!root.dataset.searchUrl) { aside.querySelector(".support-sections").replaceChildren(); return; }
  // The item's own words (any of them, synonyms and typos understood), the claims administrator's sections first.
  // Only the editions in force on the UR decision date: a suggestion is cited in one click.
  searchLibrary({ q: aside.dataset.description, limit: 5, first: panel.dataset.urSections, editions: "in_force" })
    .then(function (found) { showSections(panel, aside, found); });
}

/* One item's support asked afresh of the per-item endpoints (two requests). */
export function checkItem(root, panel) {
  const aside = panel.querySelector(".decision-support");
  if (!aside) return;
  quantityCheck(root, aside);
  matchingSections(root, panel, aside);
}

/* `support`: a promise of the whole case's answer (null when it did not come). */
export function initDecisionSupport(root, support) {
  support.then(function (answer) {
    document.querySelectorAll(".item-panel").forEach(function (panel) {
      const aside = panel.querySelector(".decision-support");
      if (!aside) return;
      const part = answer && answer.items ? answer.items[panel.dataset.itemId] : null;
      if (part && "quantity" in part && part.sections) {
        showQuantity(aside, part.quantity || { findings: [] });
        showSections(panel, aside, part.sections);
      } else {
        checkItem(root, panel);
      }
    });
  });
}
