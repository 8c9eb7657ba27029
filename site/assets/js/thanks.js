// Shows the enquiry reference passed as ?id=... (set by the booking form after a 201).
(function () {
  "use strict";
  var id = new URLSearchParams(window.location.search).get("id");
  var box = document.getElementById("booking-reference");
  if (!id || !box) return;
  box.querySelector("strong").textContent = id.slice(0, 64);
  box.hidden = false;
  try { window.sessionStorage.removeItem("roch-booking"); } catch (e) { /* private mode */ }
})();
