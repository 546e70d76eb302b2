/* Similar past decisions beside each disputed item: the precedents with the same treatment and guideline first,
 * each with its outcome, date and a link to read it; "Cite" adds a line naming the decision to the item's rationale
 * (saved by the autosave like anything typed). Loaded by workspace.js; the panels are
 * templates/cases/workspace/_precedents.html. Each item's decisions come in the case's one decision-support answer
 * (precedents/support.py); an item it has none for asks the per-item endpoint (precedents:similar). */

function citationLine(result) {
  return "See the published IMR decision " + result.case_number + " of " + result.decision_date + " (" +
    result.treatment + ": " + result.outcome_label.toLowerCase() + ").";
}

function cite(panel, result) {
  const article = panel.closest(".item-panel");
  const rationale = article && article.querySelector('[data-field="rationale"]');
  if (!rationale) return;
  const line = citationLine(result);
  if (rationale.value.indexOf(line) >= 0) return;
  rationale.value = rationale.value.trim() ? rationale.value.replace(/\s+$/, "") + "\n" + line : line;
  rationale.dispatchEvent(new Event("input", { bubbles: true }));
  rationale.focus();
}

function row(panel, result, editable) {
  const item = document.createElement("li");
  item.className = "mb-2 precedent-result";
  const badge = document.createElement("span");
  badge.className = "badge me-1 " + (result.outcome === "overturned" ? "text-bg-success" : "text-bg-secondary");
  badge.textContent = result.outcome_label;
  item.appendChild(badge);
  const facts = document.createElement("span");
  facts.textContent = (result.decision_date || "—") + " · " + result.treatment;
  item.appendChild(facts);
  if (result.guidelines) {
    const cited = document.createElement("div");
    cited.className = "text-muted";
    cited.textContent = "Cited: " + result.guidelines;
    item.appendChild(cited);
  }
  const actions = document.createElement("div");
  const read = document.createElement("a");
  read.href = result.url;
  read.target = "_blank";
  read.rel = "noopener";
  read.textContent = "Read " + result.case_number;
  actions.appendChild(read);
  if (editable) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
    button.textContent = "Cite";
    button.setAttribute("aria-label", "Cite " + result.case_number + " in the rationale");
    button.addEventListener("click", function () { cite(panel, result); });
    actions.appendChild(button);
  }
  item.appendChild(actions);
  return item;
}

function show(panel, results, editable) {
  const list = panel.querySelector(".precedent-results");
  list.replaceChildren();
  if (!results.length) {
    const none = document.createElement("li");
    none.className = "text-muted";
    none.textContent = "No similar decision in the precedent library.";
    list.appendChild(none);
  }
  results.forEach(function (result) { list.appendChild(row(panel, result, editable)); });
}

function load(panel, editable) {
  const list = panel.querySelector(".precedent-results");
  const url = new URL(panel.dataset.url, window.location.origin);
  url.searchParams.set("q", panel.dataset.description);
  panel.querySelectorAll(".precedent-guideline").forEach(function (node) { url.searchParams.append("guideline", node.value); });
  fetch(url, { credentials: "same-origin" }).then(function (response) {
    return response.ok ? response.json() : { results: [] };
  }).then(function (data) { show(panel, data.results || [], editable); }).catch(function () {
    list.replaceChildren();
    const failed = document.createElement("li");
    failed.className = "text-muted";
    failed.textContent = "The precedent library did not answer.";
    list.appendChild(failed);
  });
}

/* `support`: a promise of the whole case's decision-support answer (null when it did not come). */
export function initPrecedents(root, support) {
  const editable = root.dataset.editable === "true";
  support.then(function (answer) {
    document.querySelectorAll(".precedent-panel").forEach(function (panel) {
      const part = answer && answer.items ? answer.items[panel.dataset.itemId] : null;
      if (part && part.precedents) show(panel, part.precedents, editable);
      else load(panel, editable);
    });
  });
}
