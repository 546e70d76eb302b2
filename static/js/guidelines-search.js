// As-you-type search of the guideline library. Every element with [data-guideline-search] (templates/guidelines/
// partials/search_box.html) gets live results from its data-url. With data-pick="1" each result has a "Cite" button
// that dispatches a bubbling "guideline:pick" CustomEvent whose detail is the result (id, version_id, chapter, name…).
(function () {
  "use strict";

  function debounce(fn, wait) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  function text(tag, className, value) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = value;
    return element;
  }

  function setUp(box) {
    const url = box.dataset.url;
    const pick = box.dataset.pick === "1";
    const fields = box.querySelectorAll("[data-field]");
    const status = box.querySelector("[data-status]");
    const list = box.querySelector("[data-results]");
    let controller = null;
    let lastResults = [];

    // The words for a region or category code are the filter's own option text (core/categories.py, one list).
    function label(fieldName, code) {
      const select = box.querySelector('select[data-field="' + fieldName + '"]');
      const option = select && Array.from(select.options).find(function (candidate) {
        return candidate.value === code;
      });
      return option ? option.textContent : code.replace(/_/g, " ");
    }

    function render(results, query) {
      lastResults = results;
      list.replaceChildren();
      status.textContent = results.length
        ? results.length + " section" + (results.length === 1 ? "" : "s") + (query ? " for “" + query + "”" : "")
        : "No section matches.";
      results.forEach(function (result, index) {
        const item = document.createElement("li");
        item.className = "list-group-item d-flex justify-content-between align-items-start gap-2";
        const body = document.createElement("div");
        body.className = "ms-2 me-auto";
        const title = document.createElement("a");
        title.href = result.url;
        title.className = "fw-semibold";
        title.textContent = result.name;
        body.appendChild(title);
        const meta = [result.chapter];
        if (result.pages) meta.push("pages " + result.pages);
        if (result.body_region) meta.push(label("region", result.body_region));
        if (result.treatment_category) meta.push(label("category", result.treatment_category));
        body.appendChild(text("div", "small text-muted", meta.join(" · ")));
        if (result.snippet) body.appendChild(text("div", "small", result.snippet));
        item.appendChild(body);
        if (pick) {
          const button = text("button", "btn btn-outline-primary btn-sm", "Cite");
          button.type = "button";
          button.dataset.index = String(index);
          button.setAttribute("aria-label", "Cite " + result.chapter + ", " + result.name);
          item.appendChild(button);
        }
        list.appendChild(item);
      });
    }

    function run() {
      const params = new URLSearchParams();
      fields.forEach(function (field) {
        if (field.value) params.set(field.dataset.field, field.value);
      });
      const query = params.get("q") || "";
      if (!query && !params.get("chapter") && !params.get("region") && !params.get("category")) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      status.textContent = "Searching…";
      fetch(url + "?" + params.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          render(data.results, query);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") status.textContent = "The search failed; try again.";
        });
    }

    const delayed = debounce(run, 120);
    fields.forEach(function (field) {
      field.addEventListener(field.tagName === "SELECT" ? "change" : "input", delayed);
    });
    list.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-index]");
      if (!button) return;
      const result = lastResults[parseInt(button.dataset.index, 10)];
      box.dispatchEvent(new CustomEvent("guideline:pick", { bubbles: true, detail: result }));
    });
  }

  document.querySelectorAll("[data-guideline-search]").forEach(setUp);
})();
