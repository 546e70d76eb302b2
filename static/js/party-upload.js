// The party portal's upload area: once files are chosen (or dropped), one "What is <file>?" list per file, each
// starting from the kind chosen for all; the form posts them as kind_0, kind_1... in the files' order. Without
// this script the one list applies to every file.
(function () {
  "use strict";
  const input = document.getElementById("id_files");
  const common = document.getElementById("id_kind");
  const list = document.getElementById("file-kinds");
  if (!input || !common || !list) return;

  function render() {
    list.replaceChildren();
    Array.from(input.files).forEach(function (file, index) {
      const item = document.createElement("li");
      const label = document.createElement("label");
      const select = common.cloneNode(true);
      select.id = "id_kind_" + index;
      select.name = "kind_" + index;
      select.value = common.value;
      label.className = "form-label";
      label.htmlFor = select.id;
      label.textContent = "What is " + file.name + "?";
      item.append(label, select);
      list.append(item);
    });
    document.getElementById("common-kind").hidden = input.files.length > 0;
  }

  input.addEventListener("change", render);
  render();
})();
