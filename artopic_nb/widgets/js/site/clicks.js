// A click on a picture in the map (pan mode) opens the work's record. The map selects on a
// click only in its box and lasso modes; in pan mode a click is the end of a drag. The work
// under the pointer is the one its hover card shows: read when the button goes down (in the
// capture phase, before the map hides the card), and opened if the pointer did not move.

/** Open the record of the work clicked in `mapEl` (the element the map was rendered in). */
export function openOnClick(mapEl, open) {
  let down = null;
  mapEl.addEventListener("pointerdown", (e) => {
    const stage = mapEl.querySelector(".artopic-plot-stage");
    const card = mapEl.querySelector(".artopic-plot-tooltip");
    const onWork = card && card.style.display !== "none" && card.dataset.id;
    down = e.button === 0 && stage && stage.dataset.mode === "pan" && onWork
      ? { id: Number(card.dataset.id), x: e.clientX, y: e.clientY } : null;
  }, { capture: true });
  mapEl.addEventListener("pointerup", (e) => {
    const d = down;
    down = null;
    if (d && Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) <= 4) open(d.id);
  }, { capture: true });
}
