/* The public copy's redaction check (templates/letters/partials/redaction_check.html): text selected in the preview
 * fills the "Also redact" box and the button says what it will redact, so adding a missed name is one click. */
const preview = document.querySelector("[data-redaction-preview]");
const input = document.getElementById("redaction-text");
const button = document.getElementById("redaction-submit");

function selectedText() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
  const range = selection.getRangeAt(0);
  if (!preview.contains(range.commonAncestorContainer)) return "";
  return selection.toString().replace(/\s+/g, " ").trim().slice(0, 200);
}

function takeSelection() {
  const text = selectedText();
  if (!text) return;
  input.value = text;
  button.textContent = "Redact “" + text + "”";
}

const section = document.getElementById("redaction-check");

if (preview && input && button) {
  // The check stands inside the page's own form: typing here is not a change of the determination (autosave).
  ["input", "change"].forEach(function (type) {
    section.addEventListener(type, function (event) { event.stopPropagation(); });
  });
  preview.addEventListener("mouseup", takeSelection);
  preview.addEventListener("keyup", takeSelection);
  input.addEventListener("input", function () { button.textContent = "Redact"; });
}
