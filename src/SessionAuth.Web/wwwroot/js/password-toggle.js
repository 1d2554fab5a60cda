// Show-password buttons, added by script so the forms stay plain HTML without it: every
// <input data-password-toggle> gets a button after it that switches it between hidden and shown text.
// Before the form is sent the field is hidden again, so a browser never stores it as plain text.
for (const input of document.querySelectorAll("input[data-password-toggle]")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-link btn-sm px-0 password-toggle";
  button.setAttribute("aria-controls", input.id);
  button.setAttribute("aria-pressed", "false");
  button.textContent = "Show password";
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", String(show));
    button.textContent = show ? "Hide password" : "Show password";
  });
  input.form?.addEventListener("submit", () => {
    input.type = "password";
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Show password";
  });
  input.insertAdjacentElement("afterend", button);
}
