// "Copy" buttons: <button data-copy="ID" data-copied="message" hidden> copies the value of the field ID.
// Shown only where scripts run and the clipboard is available; without them the field stays selectable.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) {
      return;
    }
    var status = document.getElementById(field.id + "-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied") || "";
        }
      }, function () {
        field.select();
      });
    });
  });
})();
