/* Decision support beside each item: the quantity check of the request against the guideline limits, and the
 * library sections matching the item's description, the claims administrator's first, each one click from the basis. */
import { resultButton, searchLibrary, usDate } from "./basis-picker.js";

function quantityCheck(root, aside) {
  const quantity = aside.querySelector(".support-quantity");
  if (!root.dataset.quantityUrl) { quantity.textContent = "Quantity check unavailable."; return; }
  const url = new URL(root.dataset.quantityUrl, window.location.origin);
  url.searchParams.set("text", aside.dataset.description);
  fetch(url, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.json() : { findings: [] };
  }).then(function (data) {
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
  }).catch(function () { quantity.textContent = "Quantity check unavailable."; });
}

function matchingSections(root, panel, aside) {
  const sections = aside.querySelector(".support-sections");
  if (!root.dataset.searchUrl) { sections.replaceChildren(); return; }
  // The item's own words (any of them, synonyms and typos understood), the claims administrator's sections first.
  // Only the editions in force on the UR decision date: a suggestion is cited in one click.
  searchLibrary({ q: aside.dataset.description, limit: 5, first: panel.dataset.urSections, editions: "in_force" }).then(function (found) {
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
  });
}

export function initDecisionSupport(root) {
  document.querySelectorAll(".item-panel").forEach(function (panel) {
    const aside = panel.querySelector(".decision-support");
    if (!aside) return;
    quantityCheck(root, aside);
    matchingSections(root, panel, aside);
  });
}
