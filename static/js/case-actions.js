// "Move the case": show only the fields the chosen action uses ("Date" for records requested or received, "Records
// request by" for a records request, the rule for "Mark ineligible", the override for "Mark eligible", the case to
// join into for a join). Without JavaScript every field shows, and the server ignores the ones an action does not use.
(() => {
  const form = document.querySelector("[data-case-actions]");
  if (!form) return;
  const action = form.querySelector("select[name=action]");
  const groups = form.querySelectorAll("[data-for-actions]");

  function update() {
    groups.forEach((group) => {
      group.hidden = !group.dataset.forActions.split(" ").includes(action.value);
    });
  }

  action.addEventListener("change", update);
  update();
})();
