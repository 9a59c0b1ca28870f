// The printable official list (templates/public_results/official_list.html): the print button.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
