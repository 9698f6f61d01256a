// Lets a file be dropped on an upload form as well as chosen with its
// file input. Without this script the input alone works.
//
// Markup: <form data-dropzone ...><input type="file" ...></form>
// While a file is dragged over the form it gets data-dragging; a dropped
// file is put into the input, whose label then names it.

// enableDropzones wires every form[data-dropzone] under root.
export function enableDropzones(root) {
  for (const form of root.querySelectorAll("form[data-dropzone]")) {
    const input = form.querySelector('input[type="file"]');
    if (!input || typeof DataTransfer === "undefined") {
      continue;
    }
    let depth = 0;
    form.addEventListener("dragenter", (event) => {
      event.preventDefault();
      depth += 1;
      form.dataset.dragging = "";
    });
    form.addEventListener("dragover", (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        delete form.dataset.dragging;
      }
    });
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      delete form.dataset.dragging;
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length === 0) {
        return;
      }
      // Only one file is uploaded; keep the first, as the input would.
      const chosen = new DataTransfer();
      chosen.items.add(files[0]);
      input.files = chosen.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }
}
