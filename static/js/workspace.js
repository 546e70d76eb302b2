/* The reviewer's workspace and the QA page's record viewer: the entry point. One module per job, under workspace/:
 *
 * - panes.js: records beside the determination from 1280 px, with a draggable (and keyboard-operable) divider.
 * - records.js: the records viewer (pdf-viewer.js, on PDF.js): pages, zoom, search within the records with the words
 *   marked on the page, cite the page shown.
 * - autosave.js: every change kept in localStorage at once and sent to the server after a short pause; the
 *   checklist; an unsaved local copy offered again after a reload.
 * - basis-picker.js: search the guideline library as you type; a picked section lands in the basis as a chip.
 * - decision-support.js: the quantity check and the library sections matching the item's category.
 * - precedents.js: similar past decisions beside each item, citable in its rationale.
 *
 * Both get every item's support from one request (`data-support-url`, precedents/support.py), asked for at once so
 * that it runs while the records load; the number of requests does not grow with the items.
 */
import { initPanes } from "./workspace/panes.js";
import { initRecords } from "./workspace/records.js";
import { initAutosave } from "./workspace/autosave.js";
import { initBasisPicker, renderChips } from "./workspace/basis-picker.js";
import { initDecisionSupport } from "./workspace/decision-support.js";
import { initPrecedents } from "./workspace/precedents.js";

const root = document.getElementById("workspace");
const form = document.getElementById("determination-form");
const editable = Boolean(root && root.dataset.editable === "true" && form);

/* The case's decision support, asked once; null when there is none to ask for or it did not come. */
function askSupport(url) {
  if (!url) return Promise.resolve(null);
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .catch(function () { return null; });
}

if (root) {
  const support = askSupport(root.dataset.supportUrl);
  initPanes();
  initRecords({ citing: editable });
  if (editable) {
    const autosave = initAutosave(root, form, { onApply: renderChips });
    initBasisPicker(root, { changed: autosave.changed });
    initDecisionSupport(root, support);
    autosave.restore();
  }
  initPrecedents(root, support);
}
