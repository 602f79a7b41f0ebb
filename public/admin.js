// The administrators' console is rendered on the server only; this adds the one thing
// that needs a script: copying a new referral code.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.code);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select the code to copy it";
      }
    });
  }
});
