/* Records: open a record in the viewer (<imr-record-viewer>, PDF.js), turn its pages (buttons, the page box, and
 * Page Up / Page Down / Home / End on the viewer), zoom (fit to width, zoom in and out; + - and 0 on the viewer),
 * search within the records (the pages holding every word; a result opens the record at that page with the words
 * marked on it), and cite the page shown in the rationale being written. */
import "./pdf-viewer.js";

export function initRecords({ citing }) {
  const viewer = document.getElementById("record-viewer");
  const pageInput = document.getElementById("jump-page");
  const viewerTitle = document.getElementById("viewer-title");
  const zoomLevel = document.getElementById("zoom-level");
  const fitButton = document.getElementById("fit-width");
  let currentRecord = null;
  let currentPage = 1;
  let lastRationale = null;

  function showRecord(page) {
    if (!currentRecord || !viewer) return;
    const max = Number(currentRecord.dataset.pages) || 1;
    const wanted = Math.min(Math.max(Number(page) || 1, 1), max);
    currentPage = wanted;
    if (pageInput) pageInput.value = wanted;
    viewer.src = currentRecord.dataset.url + "#page=" + wanted;
    if (viewerTitle) viewerTitle.textContent = currentRecord.dataset.title + ", page " + wanted + " of " + max;
  }

  function openRecord(record, page) {
    currentRecord = record;
    if (pageInput) pageInput.max = record.dataset.pages;
    viewer.src = "about:blank";
    showRecord(page);
  }

  function lastPage() { return currentRecord ? Number(currentRecord.dataset.pages) || 1 : 1; }

  document.querySelectorAll(".record-link").forEach(function (link) {
    link.addEventListener("click", function () { openRecord(link, 1); });
  });
  const jumpButton = document.getElementById("jump-button");
  if (jumpButton) jumpButton.addEventListener("click", function () { showRecord(pageInput.value); });
  if (pageInput) pageInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); showRecord(pageInput.value); }
  });

  // -- turning pages and zooming ----------------------------------------------------------------------------------
  const actions = {
    "prev-page": function () { showRecord(currentPage - 1); },
    "next-page": function () { showRecord(currentPage + 1); },
    "zoom-in": function () { viewer.zoomIn(); },
    "zoom-out": function () { viewer.zoomOut(); },
    "fit-width": function () { viewer.fitWidth(); },
  };
  Object.keys(actions).forEach(function (id) {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", function () { if (currentRecord) actions[id](); });
  });
  const keys = {
    PageDown: actions["next-page"],
    PageUp: actions["prev-page"],
    Home: function () { showRecord(1); },
    End: function () { showRecord(lastPage()); },
    "+": actions["zoom-in"],
    "=": actions["zoom-in"],
    "-": actions["zoom-out"],
    "0": actions["fit-width"],
  };
  if (viewer) {
    viewer.addEventListener("keydown", function (event) {
      const action = keys[event.key];
      if (!action || !currentRecord || event.altKey || event.ctrlKey || event.metaKey) return;
      event.preventDefault();
      action();
    });
    viewer.addEventListener("viewer-rendered", function (event) {
      const detail = event.detail;
      if (zoomLevel) zoomLevel.textContent = Math.round(detail.zoom * 100) + " %";
      if (fitButton) {
        fitButton.setAttribute("aria-pressed", detail.fit ? "true" : "false");
        fitButton.classList.toggle("active", detail.fit);
      }
      const prev = document.getElementById("prev-page");
      const next = document.getElementById("next-page");
      if (prev) prev.disabled = detail.page <= 1;
      if (next) next.disabled = detail.page >= detail.pages;
    });
  }

  // -- search within the records -----------------------------------------------------------------------------------
  const recordsSearch = document.getElementById("records-search");
  if (recordsSearch) recordsSearch.addEventListener("submit", function (event) {
    event.preventDefault();
    const query = document.getElementById("records-query").value.trim();
    const results = document.getElementById("records-search-results");
    const searchStatus = document.getElementById("records-search-status");
    results.replaceChildren();
    if (viewer) viewer.highlightWords = query.split(/\s+/);
    if (!query) { searchStatus.textContent = ""; return; }
    searchStatus.textContent = "Searching…";
    fetch(recordsSearch.dataset.url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        searchStatus.textContent = data.results.length
          ? data.results.length + " page" + (data.results.length === 1 ? "" : "s") + " found."
          : "No page of the records holds all of these words.";
        data.results.forEach(function (hit) {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-link btn-sm p-0 text-start records-hit";
          button.textContent = hit.title + ", page " + hit.page;
          button.addEventListener("click", function () {
            const record = document.querySelector('.record-link[data-url="' + hit.url.split("#")[0] + '"]');
            if (!record) return;
            viewer.highlightWords = query.split(/\s+/);
            openRecord(record, hit.page);
          });
          const snippet = document.createElement("div");
          snippet.className = "text-muted";
          snippet.textContent = hit.snippet;
          item.append(button, snippet);
          results.append(item);
        });
      })
      .catch(function () { searchStatus.textContent = "The search did not answer; try again."; });
  });

  // -- cite the page shown -----------------------------------------------------------------------------------------
  if (!citing) return;
  document.querySelectorAll('[data-field="rationale"]').forEach(function (area) {
    area.addEventListener("focus", function () { lastRationale = area; });
  });
  const citePage = document.getElementById("cite-page");
  if (citePage) citePage.addEventListener("click", function () {
    const target = lastRationale || document.querySelector('[data-field="rationale"]');
    if (!currentRecord || !target) return;
    const text = "(" + currentRecord.dataset.title + ", p. " + (currentPage || 1) + ")";
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? target.value.length;
    const before = target.value.slice(0, start);
    const spacer = before && !/\s$/.test(before) ? " " : "";
    target.value = before + spacer + text + target.value.slice(end);
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
  });
}
