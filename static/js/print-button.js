// A "Print" button (data-print) opens the browser's print dialog; the page's print styles hide the navigation.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
