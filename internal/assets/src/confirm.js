// Asks before destructive actions. Put data-confirm="Question?" on a
// button, a link or a form; without script the action simply proceeds,
// so the server must still treat these requests as deliberate (they are
// POSTs with CSRF protection).

// enableConfirm installs one delegated listener per event on root, so
// buttons added to the page later are covered too.
export function enableConfirm(root) {
  root.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    // Forms are handled on submit, which also covers pressing Enter.
    if (!target || target instanceof HTMLFormElement) {
      return;
    }
    if (!window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    // A confirmed button should not ask again through its form.
    if (target.form instanceof HTMLFormElement && target.form.hasAttribute("data-confirm")) {
      target.form.dataset.confirmed = "true";
    }
  });

  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
      return;
    }
    if (form.dataset.confirmed === "true") {
      delete form.dataset.confirmed;
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
}
