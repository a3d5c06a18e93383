// Keyboard shortcuts: every control with data-key="x" is pressed by key x
// (a: approve, r: reject, 1-9/0: toggle a reason, c: claim, n: claim next,
// u/o: uphold/overturn an appeal). Keys typed into text fields are left alone.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && target.type !== "checkbox") return;
  const control = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (!control) return;
  event.preventDefault();
  if (control.type === "checkbox") {
    control.checked = !control.checked;
    if (control.value === "other" && control.checked) document.getElementById("other-comment")?.focus();
  } else {
    control.click();
  }
});
