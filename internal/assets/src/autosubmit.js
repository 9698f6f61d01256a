// Submits a form as soon as a <select data-autosubmit> in it changes,
// as the profile switcher does. Without script the form keeps its submit
// button; with script a button marked data-autosubmit-hide is hidden,
// since choosing an option already submits.

// enableAutosubmit wires every current and future data-autosubmit select
// under root through one delegated listener.
export function enableAutosubmit(root) {
  for (const select of root.querySelectorAll("select[data-autosubmit]")) {
    const form = select.form;
    if (!form) {
      continue;
    }
    for (const button of form.querySelectorAll("[data-autosubmit-hide]")) {
      button.hidden = true;
    }
  }

  root.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit") || !select.form) {
      return;
    }
    // requestSubmit runs validation and submit listeners (data-confirm);
    // plain submit() would skip both.
    select.form.requestSubmit();
  });
}
