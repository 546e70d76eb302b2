// The intake form's party names: as a name is typed, the parties already known of that kind are offered (a
// datalist); picking one fills its address and numbers where the form is still blank. Without scripts the name
// typed is used as it is (a new party is made when none has that name).
(function () {
  const form = document.querySelector("form[data-party-search-url]");
  if (!form) return;
  const url = form.dataset.partySearchUrl;
  const parts = ["address_lines", "city", "state", "zip_code", "email", "fax", "phone"];

  form.querySelectorAll("input[data-party-search]").forEach(function (input) {
    const list = document.createElement("datalist");
    list.id = input.id + "-known";
    input.after(list);
    input.setAttribute("list", list.id);
    let found = [];
    let timer = null;

    function fill(party) {
      parts.forEach(function (part) {
        const field = document.getElementById("id_" + input.dataset.partyPrefix + "_" + part);
        if (field && !field.value && party[part]) field.value = party[part];
      });
    }

    input.addEventListener("input", function () {
      const picked = found.find(function (party) { return party.name === input.value; });
      if (picked) { fill(picked); return; }
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) return;
      timer = setTimeout(function () {
        const params = new URLSearchParams({ kind: input.dataset.partySearch, q: query });
        fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            found = data.results;
            list.replaceChildren.apply(list, found.map(function (party) {
              const option = document.createElement("option");
              option.value = party.name;
              if (party.city) option.label = party.name + " — " + party.city + ", " + party.state;
              return option;
            }));
          })
          .catch(function () { found = []; });
      }, 200);
    });
  });
})();
