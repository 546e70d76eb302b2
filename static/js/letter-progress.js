// The case page follows its letter without a reload: while the case waits for its letter, ask the letters app for
// their state every few seconds (letters:progress, JSON) and redraw the list; stop once nothing is left to wait for.
(() => {
  const section = document.getElementById("letter-status");
  const list = document.getElementById("letter-progress");
  if (!section || !list || !section.dataset.progressUrl) return;
  const url = section.dataset.progressUrl;
  // Every 3 s at first, then less often (each ask is a line of the access log): about 45 asks in 10 minutes.
  let every = 3000;
  const giveUpAfter = 10 * 60 * 1000;
  const started = Date.now();
  const badges = { signed: "text-bg-success", failed: "text-bg-danger", generating: "text-bg-info" };

  function draw(data) {
    list.replaceChildren();
    if (!data.letters.length) {
      const item = document.createElement("li");
      item.textContent = "Queued: the letter is being rendered and signed. This list follows its progress.";
      list.append(item);
    }
    for (const letter of data.letters) {
      const item = document.createElement("li");
      item.append(`${letter.rendition} v${letter.version}: `);
      const badge = document.createElement("span");
      badge.className = `badge ${badges[letter.state] || "text-bg-secondary"}`;
      badge.textContent = letter.label;
      item.append(badge);
      list.append(item);
    }
    section.dataset.state = data.done ? "done" : "waiting";
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return; // a lost session or a server restart: stop quietly, a reload shows the truth
      const data = await response.json();
      draw(data);
      every = Math.min(every * 1.25, 15000);
      if (!data.done && Date.now() - started < giveUpAfter) window.setTimeout(poll, every);
    } catch {
      if (Date.now() - started < giveUpAfter) window.setTimeout(poll, every * 3);
    }
  }

  window.setTimeout(poll, every);
})();
