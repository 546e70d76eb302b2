/* Basis picker: search the guideline library as you type; a picked section lands in the item's basis as a chip
 * (MTUS) or as a line of the non-MTUS basis, and in the item's guideline references. */
import { readJson } from "./autosave.js";

let notifyChanged = function () {};
let librarySearchUrl = "";

/* The checklist's warnings about cited editions not in force on the UR decision date: chapter → message, for a panel. */
function editionWarnings(panel) {
  const warnings = {};
  document.querySelectorAll("#checklist li.checklist-warning[data-chapter]").forEach(function (line) {
    if (line.dataset.itemId === panel.dataset.itemId) warnings[line.dataset.chapter] = line.textContent;
  });
  return warnings;
}

export function renderChips(panel) {
  const chips = panel.querySelector(".basis-chips");
  const mtus = readJson(panel.querySelector('[data-field="mtus"]'));
  const warnings = editionWarnings(panel);
  chips.replaceChildren();
  mtus.forEach(function (citation) {
    const names = citation.sections && citation.sections.length ? citation.sections : [null];
    names.forEach(function (name) {
      const chip = document.createElement("li");
      const warning = warnings[citation.chapter];
      chip.className = "badge chip " + (warning ? "text-bg-warning edition-warning" : "text-bg-primary");
      if (warning) chip.title = warning;
      const label = citation.chapter + (name ? " — " + name : "");
      chip.textContent = (warning ? "⚠ " : "") + label;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", "Remove " + label);
      remove.addEventListener("click", function () { removeCitation(panel, citation.chapter, name); });
      chip.appendChild(remove);
      chips.appendChild(chip);
    });
  });
}

function removeCitation(panel, chapter, name) {
  const input = panel.querySelector('[data-field="mtus"]');
  const refsInput = panel.querySelector('[data-field="refs"]');
  const mtus = readJson(input).map(function (citation) {
    if (citation.chapter !== chapter) return citation;
    return Object.assign({}, citation, {
      sections: (citation.sections || []).filter(function (section) { return section !== name; }),
    });
  }).filter(function (citation) { return citation.chapter !== chapter || (name && citation.sections.length); });
  input.value = JSON.stringify(mtus);
  refsInput.value = JSON.stringify(readJson(refsInput).filter(function (ref) {
    return !(ref.chapter === chapter && (ref.name || null) === name);
  }));
  renderChips(panel);
  notifyChanged();
}

function cite(panel, result) {
  if (result.family && result.family !== "MTUS") {
    const area = panel.querySelector('[data-field="non_mtus"]');
    const line = result.family + " " + result.chapter + ", " + result.name;
    if (area.value.split("\n").indexOf(line) < 0) area.value = (area.value.trim() ? area.value.trim() + "\n" : "") + line;
  } else {
    const input = panel.querySelector('[data-field="mtus"]');
    const mtus = readJson(input);
    let citation = mtus.find(function (entry) { return entry.chapter === result.chapter; });
    if (!citation) { citation = { chapter: result.chapter, sections: [] }; mtus.push(citation); }
    if (citation.sections.indexOf(result.name) < 0) citation.sections.push(result.name);
    input.value = JSON.stringify(mtus);
    renderChips(panel);
  }
  const refsInput = panel.querySelector('[data-field="refs"]');
  const refs = readJson(refsInput);
  if (!refs.some(function (ref) { return ref.id === result.id; })) {
    refs.push({ id: result.id, version_id: result.version_id, chapter: result.chapter, name: result.name, pages: result.pages });
    refsInput.value = JSON.stringify(refs);
  }
  const none = panel.querySelector('[data-field="basis_none"]');
  if (none.checked) none.checked = false;
  notifyChanged();
}

/* A library section as a button that cites it in the panel's basis (compact: "Cite …" for decision support). */
export function resultButton(panel, result, compact) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = compact ? "btn btn-link btn-sm p-0 text-start" : "list-group-item list-group-item-action";
  // The edition named plainly ("MTUS Chronic Pain Medical Treatment Guidelines (2009)"), and said when it was not in
  // force on the UR decision date.
  const edition = result.edition || ((result.family && result.family !== "MTUS" ? result.family + " " : "") + result.chapter);
  const label = edition + " — " + result.name + (result.pages ? " (p. " + result.pages + ")" : "");
  button.textContent = (compact ? "Cite " + label : label) + (result.offered_first ? " · cited by the claims administrator" : "");
  if (result.in_force === false) {
    const note = document.createElement("span");
    note.className = "d-block small text-warning-emphasis edition-not-in-force";
    note.textContent = "Edition " + result.in_force_note;
    button.appendChild(note);
  }
  if (!compact && result.snippet) {
    const snippet = document.createElement("div");
    snippet.className = "small text-muted";
    snippet.textContent = result.snippet;
    button.appendChild(snippet);
  }
  button.addEventListener("click", function () { cite(panel, result); });
  return button;
}

/* "2014-06-18" as "06/18/2014". */
export function usDate(iso) {
  const parts = String(iso).split("-");
  return parts.length === 3 ? parts[1] + "/" + parts[2] + "/" + parts[0] : String(iso);
}

/* The library sections matching params (q, category, limit); [] when the search does not answer. */
export function searchLibrary(params) {
  const url = new URL(librarySearchUrl, window.location.origin);
  Object.keys(params).forEach(function (key) { if (params[key]) url.searchParams.set(key, params[key]); });
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.json() : { results: [] };
  }).then(function (data) { return data.results || []; }).catch(function () { return []; });
}

export function initBasisPicker(root, { changed }) {
  notifyChanged = changed;
  librarySearchUrl = root.dataset.searchUrl || "";
  document.addEventListener("workspace:checklist", function () {
    document.querySelectorAll(".item-panel").forEach(renderChips);
  });
  document.querySelectorAll(".item-panel").forEach(function (panel) {
    renderChips(panel);
    const search = panel.querySelector(".basis-search");
    const results = panel.querySelector(".basis-results");
    let searchTimer = null;
    if (!search || !librarySearchUrl) return;
    search.addEventListener("input", function (event) {
      event.stopPropagation();
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        const query = search.value;
        if (!query.trim()) { results.replaceChildren(); return; }
        searchLibrary({ q: query, limit: 8, first: panel.dataset.urSections }).then(function (found) {
          if (search.value !== query) return;
          results.replaceChildren();
          if (!found.length) {
            const none = document.createElement("li");
            none.className = "list-group-item text-muted";
            none.textContent = "No section matches “" + query + "”.";
            results.appendChild(none);
          }
          found.forEach(function (result) {
            const item = document.createElement("li");
            item.className = "list-group-item p-0 border-0";
            item.appendChild(resultButton(panel, result, false));
            results.appendChild(item);
          });
        });
      }, 250);
    });
    search.addEventListener("change", function (event) { event.stopPropagation(); });
  });
}
