/* Autosave: every change is kept in localStorage at once and sent to the server after a short pause with the
 * revision it was based on. 200 → "Saved"; 409 → "Not saved — conflict" (another tab saved first) and the local copy
 * is kept and offered again after reloading; a lost connection retries and loses nothing. The server's answer
 * refreshes the "Before you submit" checklist. */

// One way of writing a moment in every autosave message, as the server writes it: "12/03/2026 10:34 AM PST".
export function pacificTime(value) {
  const parts = {};
  new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles", month: "2-digit", day: "2-digit", year: "numeric",
    hour: "numeric", minute: "2-digit", hour12: true, timeZoneName: "short",
  }).formatToParts(new Date(value)).forEach(function (part) { parts[part.type] = part.value; });
  return parts.month + "/" + parts.day + "/" + parts.year + " " + parts.hour + ":" + parts.minute + " " +
    parts.dayPeriod + " " + parts.timeZoneName;
}

// Each tab has its own id (kept across reloads of that tab) and says it is alive every few seconds: a local copy
// written by another tab that is still open is that tab's business, never offered here.
const TAB_ALIVE_MS = 15000;
function thisTab() {
  try {
    let id = sessionStorage.getItem("imr-tab-id");
    if (!id) {
      id = Math.random().toString(36).slice(2) + Date.now().toString(36);
      sessionStorage.setItem("imr-tab-id", id);
    }
    return id;
  } catch (error) { return "tab"; }
}
function tabAlive(id) {
  try { return Date.now() - Number(localStorage.getItem("imr-tab-alive-" + id) || 0) < TAB_ALIVE_MS; } catch (error) { return false; }
}

export function readJson(input) {
  try { return JSON.parse(input.value || "[]"); } catch (error) { return []; }
}

export function initAutosave(root, form, { onApply }) {
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
  const tab = thisTab();

  function sayAlive() {
    try { localStorage.setItem("imr-tab-alive-" + tab, String(Date.now())); } catch (error) { /* ignore */ }
  }
  sayAlive();
  setInterval(sayAlive, TAB_ALIVE_MS / 3);

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
      onApply(panel);
    });
  }

  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ base: revision, at: Date.now(), tab: tab, state: collect() }));
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
      } else if (result.response.status === 409 && data.status === "locked") {
        // Back to a determination that was submitted meanwhile: nothing to reconcile, it is simply no draft now.
        conflict = true;
        forgetLocally();
        setStatus("Already submitted", "error");
        document.getElementById("conflict-title").textContent = "Already submitted.";
        document.getElementById("conflict-message").textContent = data.error;
        document.getElementById("conflict-reload").textContent = "Show the submitted version";
        document.getElementById("conflict-alert").classList.remove("d-none");
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
    try { localStorage.removeItem("imr-tab-alive-" + tab); } catch (error) { /* ignore */ }
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

  // Back to this page from the browser's page cache (after a submission, say): show what the server holds now.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  // An unsaved local copy: applied at once when it was based on the saved revision, else offered.
  function restore() {
    let local = null;
    try { local = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (error) { local = null; }
    if (!local || !local.state || local.at <= serverSavedAt) { forgetLocally(); return; }
    if (local.tab && local.tab !== tab && tabAlive(local.tab)) return; // another open tab's unsaved text
    if (local.base === revision) {
      apply(local.state);
      changed();
      return;
    }
    const notice = document.getElementById("restore-notice");
    document.getElementById("restore-message").textContent =
      "This browser holds text you typed at " + pacificTime(local.at) +
      " that was not saved: the draft was saved elsewhere since. Restore it over the saved version, or discard it.";
    notice.classList.remove("d-none");
    // The other tab saved or discarded that text meanwhile: the offer is gone.
    window.addEventListener("storage", function (event) {
      if (event.key === storageKey && !event.newValue) notice.classList.add("d-none");
    });
    document.getElementById("restore-apply").addEventListener("click", function () {
      apply(local.state);
      notice.classList.add("d-none");
      changed();
    });
    document.getElementById("restore-discard").addEventListener("click", function () {
      forgetLocally();
      notice.classList.add("d-none");
    });
  }

  return { changed: changed, restore: restore };
}

function renderChecklist(problems) {
  const list = document.getElementById("checklist");
  if (!list) return;
  list.replaceChildren();
  // Warnings (a cited edition not in force on the UR decision date) do not stop the submission.
  if (!problems.some(function (problem) { return !problem.warning; })) {
    const done = document.createElement("li");
    done.className = "text-success";
    done.textContent = "Every item is decided, based and reasoned; the summary is written.";
    list.appendChild(done);
  }
  problems.forEach(function (problem) {
    const item = document.createElement("li");
    if (problem.warning) {
      item.className = "text-warning-emphasis checklist-warning";
      item.dataset.itemId = problem.item_id;
      item.dataset.chapter = problem.chapter || "";
    }
    const link = document.createElement("a");
    link.href = "#" + problem.anchor;
    link.textContent = problem.message;
    item.appendChild(link);
    list.appendChild(item);
  });
  // The basis picker marks the chips of the editions warned about.
  document.dispatchEvent(new CustomEvent("workspace:checklist"));
}
