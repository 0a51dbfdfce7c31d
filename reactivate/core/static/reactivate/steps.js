// Drag a step of the sequence builder to reorder it; the new order is posted as a form, so
// the page works the same without this script (the ↑/↓ buttons).
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector("ol.steps[data-reorder]");
  if (!list) return;
  let dragged = null;
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li.step");
    event.dataTransfer.effectAllowed = "move";
  });
  list.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault(); // anywhere in the list accepts the drop, the dragged card included
    const over = event.target.closest("li.step");
    if (!over || over === dragged) return;
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!dragged) return;
    dragged = null;
    const form = document.createElement("form");
    form.method = "post";
    form.action = list.dataset.reorder;
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    form.appendChild(token.cloneNode());
    for (const item of list.querySelectorAll("li.step")) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = item.dataset.step;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  });
});
