// The receipt's "Print or save as PDF" button (an external script: the CSP allows no inline handlers).
// Without JavaScript the button stays hidden; the browser's own print menu still works.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].classList.add("ready");
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
