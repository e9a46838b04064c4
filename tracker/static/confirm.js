// Destructive buttons ask before they act. A submit button with data-confirm (the question; data-confirm-yes
// and data-confirm-no are the answers' labels) opens a <dialog>; "Yes" sends its form with confirmed=1, "No"
// closes the dialog and nothing is sent. data-confirm-when-unchecked="<id>": ask only when that checkbox is
// unchecked. Without scripts (or <dialog>) the form is sent as it is and the server shows its confirmation page.
(function () {
  "use strict";

  function ask(button, form) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
    var question = document.createElement("p");
    question.id = "confirm-dialog-question";
    question.textContent = button.getAttribute("data-confirm");
    var actions = document.createElement("div");
    actions.className = "actions";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.textContent = button.getAttribute("data-confirm-yes");
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = button.getAttribute("data-confirm-no");
    actions.appendChild(yes);
    actions.appendChild(no);
    dialog.appendChild(question);
    dialog.appendChild(actions);

    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (!form.dataset.confirming) { button.focus(); }
    });
    yes.addEventListener("click", function () {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "confirmed";
      input.value = "1";
      form.appendChild(input);
      form.dataset.confirming = "1";
      dialog.close();
      form.submit();  // submit() fires no submit event: no second question
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    no.focus();
  }

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var form = event.target;
    if (!button || !button.hasAttribute("data-confirm") || typeof HTMLDialogElement === "undefined") { return; }
    var box = button.getAttribute("data-confirm-when-unchecked");
    if (box) {
      var checkbox = document.getElementById(box);
      if (!checkbox || checkbox.checked) { return; }
    }
    event.preventDefault();
    ask(button, form);
  });
}());
