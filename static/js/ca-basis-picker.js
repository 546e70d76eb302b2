// The claims administrator's basis at intake: a search box above each item's list of library sections narrows it as
// words are typed (every word must appear). Without scripts the whole list is there to pick from.
(function () {
  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    const search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-1";
    search.placeholder = "Search the library (e.g. physical medicine)";
    search.setAttribute("aria-label", "Search the library sections");
    select.before(search);
    search.addEventListener("input", function () {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.from(select.options).forEach(function (option) {
        const text = option.textContent.toLowerCase();
        option.hidden = !option.selected && !words.every(function (word) { return text.indexOf(word) >= 0; });
      });
    });
  }
  function enhanceAll() { document.querySelectorAll('select[data-ca-basis="sections"]').forEach(enhance); }
  enhanceAll();
  const items = document.getElementById("item-forms");
  if (items) new MutationObserver(enhanceAll).observe(items, { childList: true });
})();
