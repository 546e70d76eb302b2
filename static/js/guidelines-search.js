// As-you-type search of the guideline library. Every element with [data-guideline-search] (templates/guidelines/
// partials/search_box.html, on the library's page) gets live results from its data-url. (The workspace cites sections
// through its own picker, static/js/workspace/basis-picker.js.)
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
    const fields = box.querySelectorAll("[data-field]");
    const status = box.querySelector("[data-status]");
    const list = box.querySelector("[data-results]");
    let controller = null;

    // The words for a region or category code are the filter's own option text (core/categories.py, one list).
    function label(fieldName, code) {
      const select = box.querySelector('select[data-field="' + fieldName + '"]');
      const option = select && Array.from(select.options).find(function (candidate) {
        return candidate.value === code;
      });
      return option ? option.textContent : code.replace(/_/g, " ");
    }

    function render(results, query) {
      list.replaceChildren();
      status.textContent = results.length
        ? results.length + " section" + (results.length === 1 ? "" : "s") + (query ? " for “" + query + "”" : "")
        : "No section matches.";
      results.forEach(function (result) {
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
  }

  document.querySelectorAll("[data-guideline-search]").forEach(setUp);
})();
