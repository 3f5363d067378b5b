// "Print this list": shown only when JavaScript runs (the browser's own Print works without it).
for (const button of document.querySelectorAll("[data-print-button]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
