/* The reviewer's workspace and the QA page's record viewer: the entry point. One module per job, under workspace/:
 *
 * - panes.js: records beside the determination from 1280 px, with a draggable (and keyboard-operable) divider.
 * - records.js: the records viewer (pdf-viewer.js, on PDF.js): pages, zoom, search within the records with the words
 *   marked on the page, cite the page shown.
 * - autosave.js: every change kept in localStorage at once and sent to the server after a short pause; the
 *   checklist; an unsaved local copy offered again after a reload.
 * - basis-picker.js: search the guideline library as you type; a picked section lands in the basis as a chip.
 * - decision-support.js: the quantity check and the library sections matching the item's category.
 * - precedents.js: similar past decisions beside each item, citable in its rationale (runs on import).
 */
import { initPanes } from "./workspace/panes.js";
import { initRecords } from "./workspace/records.js";
import { initAutosave } from "./workspace/autosave.js";
import { initBasisPicker, renderChips } from "./workspace/basis-picker.js";
import { initDecisionSupport } from "./workspace/decision-support.js";
import "./workspace/precedents.js";

const root = document.getElementById("workspace");
const form = document.getElementById("determination-form");
const editable = Boolean(root && root.dataset.editable === "true" && form);

if (root) {
  initPanes();
  initRecords({ citing: editable });
  if (editable) {
    const autosave = initAutosave(root, form, { onApply: renderChips });
    initBasisPicker(root, { changed: autosave.changed });
    initDecisionSupport(root);
    autosave.restore();
  }
}
