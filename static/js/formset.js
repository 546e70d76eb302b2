// Adds a blank item form to the disputed-items formset.
(function () {
  const button = document.getElementById("add-item");
  if (!button) return;
  button.addEventListener("click", function () {
    const total = document.getElementById("id_items-TOTAL_FORMS");
    const index = parseInt(total.value, 10);
    const html = document.getElementById("empty-item-form").innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("item-forms").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
})();
