// "Record service": once an addressee is ticked again, the "Tick at least one addressee" message has been answered.
document.querySelectorAll(".service-form").forEach((form) => {
  const boxes = form.querySelectorAll('input[name="recipients"]');
  boxes.forEach((box) => {
    box.addEventListener("change", () => {
      if (![...boxes].some((candidate) => candidate.checked)) return;
      boxes.forEach((candidate) => candidate.classList.remove("is-invalid"));
      const error = form.querySelector("#recipients-error");
      if (error) {
        error.closest("fieldset").removeAttribute("aria-describedby");
        error.remove();
      }
    });
  });
});
