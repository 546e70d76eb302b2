/* Records beside the determination (from 1280 px wide) with a divider between them: dragged with the pointer, or
 * focused and moved with the arrow keys (Home and End for the narrowest and widest records pane). The width chosen is
 * kept in this browser. Below 1280 px the panes stack (the determination first) and the divider is hidden (CSS). */

const KEY = "imr-records-width";
const MIN = 25;
const MAX = 70;
const STEP = 2;

export function initPanes() {
  const panes = document.querySelector(".workspace-panes");
  const divider = panes && panes.querySelector(".pane-divider");
  if (!divider) return;
  let value = Number(divider.getAttribute("aria-valuenow")) || 50;
  try { value = Number(localStorage.getItem(KEY)) || value; } catch (error) { /* storage disabled */ }

  function set(percent, keep) {
    value = Math.min(Math.max(Math.round(percent * 10) / 10, MIN), MAX);
    panes.style.setProperty("--records-width", value + "%");
    divider.setAttribute("aria-valuenow", String(Math.round(value)));
    divider.setAttribute("aria-valuetext", "Records " + Math.round(value) + " % of the width");
    if (keep) {
      try { localStorage.setItem(KEY, String(value)); } catch (error) { /* storage disabled */ }
    }
  }
  set(value, false);

  let drag = null;
  divider.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    event.preventDefault();
    drag = { x: event.clientX, value: value, width: panes.getBoundingClientRect().width };
    divider.setPointerCapture(event.pointerId);
    divider.classList.add("is-dragging");
    divider.focus();
  });
  divider.addEventListener("pointermove", function (event) {
    if (drag && divider.hasPointerCapture(event.pointerId)) {
      set(drag.value + ((event.clientX - drag.x) / drag.width) * 100, false);
    }
  });
  function stop(event) {
    if (!divider.hasPointerCapture(event.pointerId)) return;
    divider.releasePointerCapture(event.pointerId);
    divider.classList.remove("is-dragging");
    drag = null;
    set(value, true);
  }
  divider.addEventListener("pointerup", stop);
  divider.addEventListener("pointercancel", stop);

  divider.addEventListener("keydown", function (event) {
    const moves = {
      ArrowLeft: value - STEP,
      ArrowDown: value - STEP,
      ArrowRight: value + STEP,
      ArrowUp: value + STEP,
      Home: MIN,
      End: MAX,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    set(moves[event.key], true);
  });
}
