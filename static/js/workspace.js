/* The reviewer's workspace (and the QA page's record viewer).
 *
 * - Records: open a record in the viewer, jump to a page, cite the page in the rationale being written.
 * - Autosave: every change is kept in localStorage at once and sent to the server after a short pause with the
 *   revision it was based on. 200 → "Saved"; 409 → "Not saved — conflict" (another tab saved first) and the local
 *   copy is kept and offered again after reloading; a lost connection retries and loses nothing.
 * - Basis picker: search the guideline library as you type; a picked section lands in the basis as a chip.
 * - Decision support: the quantity check and the library sections matching the item's category.
 */
(function () {
  "use strict";

  const root = document.getElementById("workspace");
  if (!root) return;

  // -- records ---------------------------------------------------------------------------------------------------
  const viewer = document.getElementById("record-viewer");
  const pageInput = document.getElementById("jump-page");
  const viewerTitle = document.getElementById("viewer-title");
  let currentRecord = null;
  let lastRationale = null;

  function showRecord(page) {
    if (!currentRecord || !viewer) return;
    const max = Number(currentRecord.dataset.pages) || 1;
    const wanted = Math.min(Math.max(Number(page) || 1, 1), max);
    if (pageInput) pageInput.value = wanted;
    viewer.src = currentRecord.dataset.url + "#page=" + wanted;
    if (viewerTitle) viewerTitle.textContent = currentRecord.dataset.title + ", page " + wanted + " of " + max;
  }

  document.querySelectorAll(".record-link").forEach(function (link) {
    link.addEventListener("click", function () {
      currentRecord = link;
      if (pageInput) pageInput.max = link.dataset.pages;
      viewer.src = "about:blank";
      showRecord(1);
    });
  });
  const jumpButton = document.getElementById("jump-button");
  if (jumpButton) jumpButton.addEventListener("click", function () { showRecord(pageInput.value); });
  if (pageInput) pageInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); showRecord(pageInput.value); }
  });

  // Search within the records: the pages holding every word; a result opens the record at that page.
  const recordsSearch = document.getElementById("records-search");
  if (recordsSearch) recordsSearch.addEventListener("submit", function (event) {
    event.preventDefault();
    const query = document.getElementById("records-query").value.trim();
    const results = document.getElementById("records-search-results");
    const searchStatus = document.getElementById("records-search-status");
    results.replaceChildren();
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
            currentRecord = record;
            if (pageInput) pageInput.max = record.dataset.pages;
            viewer.src = "about:blank";
            showRecord(hit.page);
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

  const form = document.getElementById("determination-form");
  const editable = root.dataset.editable === "true" && form;
  if (!editable) return;

  document.querySelectorAll('[data-field="rationale"]').forEach(function (area) {
    area.addEventListener("focus", function () { lastRationale = area; });
  });
  const citePage = document.getElementById("cite-page");
  if (citePage) citePage.addEventListener("click", function () {
    const target = lastRationale || document.querySelector('[data-field="rationale"]');
    if (!currentRecord || !target) return;
    const text = "(" + currentRecord.dataset.title + ", p. " + (pageInput.value || 1) + ")";
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? target.value.length;
    const before = target.value.slice(0, start);
    const spacer = before && !/\s$/.test(before) ? " " : "";
    target.value = before + spacer + text + target.value.slice(end);
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
  });

  // -- state -----------------------------------------------------------------------------------------------------
  const status = document.getElementById("save-status");
  const revisionInput = document.getElementById("id_revision");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const storageKey = "imr-draft-" + root.dataset.determinationId;
  const serverSavedAt = Date.parse(root.dataset.savedAt) || 0;
  let revision = Number(root.dataset.revision);
  let timer = null;
  let inflight = null;
  let changeCount = 0;
  let savedCount = 0;
  let conflict = false;
  let submitting = false;

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = "badge save-status " + (kind ? "is-" + kind : "text-bg-light");
  }

  function panelState(panel) {
    const checked = panel.querySelector('[data-field="decision"]:checked');
    return {
      decision: checked ? checked.value : "",
      basis: {
        mtus: readJson(panel.querySelector('[data-field="mtus"]')),
        non_mtus: panel.querySelector('[data-field="non_mtus"]').value.split("\n"),
      },
      basis_none: panel.querySelector('[data-field="basis_none"]').checked,
      rationale: panel.querySelector('[data-field="rationale"]').value,
      guideline_refs: readJson(panel.querySelector('[data-field="refs"]')),
    };
  }

  function readJson(input) {
    try { return JSON.parse(input.value || "[]"); } catch (error) { return []; }
  }

  function collect() {
    const decisions = {};
    document.querySelectorAll(".item-panel").forEach(function (panel) {
      decisions[panel.dataset.itemId] = panelState(panel);
    });
    return { summary: document.getElementById("id_summary").value, decisions: decisions };
  }

  function apply(state) {
    document.getElementById("id_summary").value = state.summary || "";
    document.querySelectorAll(".item-panel").forEach(function (panel) {
      const values = (state.decisions || {})[panel.dataset.itemId];
      if (!values) return;
      panel.querySelectorAll('[data-field="decision"]').forEach(function (radio) {
        radio.checked = radio.value === values.decision;
      });
      panel.querySelector('[data-field="mtus"]').value = JSON.stringify((values.basis || {}).mtus || []);
      panel.querySelector('[data-field="refs"]').value = JSON.stringify(values.guideline_refs || []);
      panel.querySelector('[data-field="non_mtus"]').value = ((values.basis || {}).non_mtus || []).join("\n");
      panel.querySelector('[data-field="basis_none"]').checked = !!values.basis_none;
      panel.querySelector('[data-field="rationale"]').value = values.rationale || "";
      renderChips(panel);
    });
  }

  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ base: revision, at: Date.now(), state: collect() }));
    } catch (error) { /* storage full or disabled: the server copy still saves */ }
  }

  function forgetLocally() {
    try { localStorage.removeItem(storageKey); } catch (error) { /* ignore */ }
  }

  function changed() {
    if (submitting) return;
    changeCount += 1;
    keepLocally();
    if (conflict) return;
    setStatus("Saving…", "saving");
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  function payload() {
    return Object.assign({ revision: revision }, collect());
  }

  function save() {
    if (conflict || submitting) return Promise.resolve();
    if (inflight) { clearTimeout(timer); timer = setTimeout(save, 300); return inflight; }
    const sentCount = changeCount;
    inflight = fetch(root.dataset.autosaveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload()),
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) { return { response: response, data: data }; });
    }).then(function (result) {
      const data = result.data;
      if (result.response.ok) {
        revision = data.revision;
        revisionInput.value = revision;
        savedCount = sentCount;
        renderChecklist(data.problems || []);
        if (changeCount === savedCount) {
          forgetLocally();
          setStatus("Saved", "saved");
        } else {
          keepLocally();
        }
      } else if (result.response.status === 409) {
        conflict = true;
        setStatus("Not saved — conflict", "error");
        document.getElementById("conflict-message").textContent = data.error;
        document.getElementById("conflict-alert").classList.remove("d-none");
      } else {
        setStatus("Not saved — " + (data.error || "error"), "error");
      }
    }).catch(function () {
      setStatus("Not saved — offline; kept in this browser, retrying", "error");
      clearTimeout(timer);
      timer = setTimeout(save, 5000);
    }).finally(function () { inflight = null; });
    return inflight;
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // A closing tab sends what is not saved yet; localStorage keeps it too.
  window.addEventListener("pagehide", function () {
    if (submitting || conflict || changeCount === savedCount || !navigator.sendBeacon) return;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("payload", JSON.stringify(payload()));
    navigator.sendBeacon(root.dataset.autosaveUrl, data);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    submitting = true;
    Promise.resolve(inflight).then(function () {
      revisionInput.value = revision;
      forgetLocally();
      form.submit();
    });
  });

  document.getElementById("conflict-reload").addEventListener("click", function () { window.location.reload(); });

  // -- restore an unsaved local copy -----------------------------------------------------------------------------
  (function restore() {
    let local = null;
    try { local = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (error) { local = null; }
    if (!local || !local.state || local.at <= serverSavedAt) { forgetLocally(); return; }
    if (local.base === revision) {
      apply(local.state);
      changed();
      return;
    }
    const notice = document.getElementById("restore-notice");
    document.getElementById("restore-message").textContent =
      "This browser holds text you typed at " + new Date(local.at).toLocaleString("en-US", { timeZone: "America/Los_Angeles", timeZoneName: "short" }) +
      " that was not saved: the draft was saved elsewhere since. Restore it over the saved version, or discard it.";
    notice.classList.remove("d-none");
    document.getElementById("restore-apply").addEventListener("click", function () {
      apply(local.state);
      notice.classList.add("d-none");
      changed();
    });
    document.getElementById("restore-discard").addEventListener("click", function () {
      forgetLocally();
      notice.classList.add("d-none");
    });
  })();

  // -- checklist -------------------------------------------------------------------------------------------------
  function renderChecklist(problems) {
    const list = document.getElementById("checklist");
    if (!list) return;
    list.replaceChildren();
    if (!problems.length) {
      const done = document.createElement("li");
      done.className = "text-success";
      done.textContent = "Every item is decided, based and reasoned; the summary is written.";
      list.appendChild(done);
      return;
    }
    problems.forEach(function (problem) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#" + problem.anchor;
      link.textContent = problem.message;
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  // -- basis picker ----------------------------------------------------------------------------------------------
  function renderChips(panel) {
    const chips = panel.querySelector(".basis-chips");
    const mtus = readJson(panel.querySelector('[data-field="mtus"]'));
    chips.replaceChildren();
    mtus.forEach(function (citation) {
      const names = citation.sections && citation.sections.length ? citation.sections : [null];
      names.forEach(function (name) {
        const chip = document.createElement("li");
        chip.className = "badge text-bg-primary chip";
        chip.textContent = citation.chapter + (name ? " — " + name : "");
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + chip.textContent);
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
    changed();
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
    changed();
  }

  function resultButton(panel, result, compact) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = compact ? "btn btn-link btn-sm p-0 text-start" : "list-group-item list-group-item-action";
    const label = (result.family && result.family !== "MTUS" ? result.family + " " : "") + result.chapter + " — " + result.name +
      (result.pages ? " (p. " + result.pages + ")" : "");
    button.textContent = compact ? "Cite " + label : label;
    if (!compact && result.snippet) {
      const snippet = document.createElement("div");
      snippet.className = "small text-muted";
      snippet.textContent = result.snippet;
      button.appendChild(snippet);
    }
    button.addEventListener("click", function () { cite(panel, result); });
    return button;
  }

  function searchLibrary(params) {
    const url = new URL(root.dataset.searchUrl, window.location.origin);
    Object.keys(params).forEach(function (key) { if (params[key]) url.searchParams.set(key, params[key]); });
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : { results: [] };
    }).then(function (data) { return data.results || []; }).catch(function () { return []; });
  }

  document.querySelectorAll(".item-panel").forEach(function (panel) {
    renderChips(panel);
    const search = panel.querySelector(".basis-search");
    const results = panel.querySelector(".basis-results");
    let searchTimer = null;
    if (search && root.dataset.searchUrl) {
      search.addEventListener("input", function (event) {
        event.stopPropagation();
        clearTimeout(searchTimer);
        searchTimer = setTimeout(function () {
          const query = search.value;
          if (!query.trim()) { results.replaceChildren(); return; }
          searchLibrary({ q: query, limit: 8 }).then(function (found) {
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
    }
    supportPanel(panel);
  });

  // -- decision support ------------------------------------------------------------------------------------------
  function supportPanel(panel) {
    const aside = panel.querySelector(".decision-support");
    if (!aside) return;
    const quantity = aside.querySelector(".support-quantity");
    const sections = aside.querySelector(".support-sections");
    const description = aside.dataset.description;
    if (root.dataset.quantityUrl) {
      const url = new URL(root.dataset.quantityUrl, window.location.origin);
      url.searchParams.set("text", description);
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
          line.textContent = (finding.exceeds ? "Exceeds: " : "Within: ") + finding.message;
          quantity.appendChild(line);
        });
      }).catch(function () { quantity.textContent = "Quantity check unavailable."; });
    } else {
      quantity.textContent = "Quantity check unavailable.";
    }
    if (!root.dataset.searchUrl) { sections.replaceChildren(); return; }
    const words = description.split(/\s+/).slice(0, 2).join(" ");
    searchLibrary({ category: aside.dataset.category, limit: 5 }).then(function (found) {
      return found.length ? found : searchLibrary({ q: words, limit: 5 });
    }).then(function (found) {
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
})();
