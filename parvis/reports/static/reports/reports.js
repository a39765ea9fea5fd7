// "Use my position": fills the latitude and longitude fields. Without JavaScript the
// address field is enough; this only enhances.
(function () {
  "use strict";
  document.querySelectorAll('[data-module="pv-locate"]').forEach(function (block) {
    if (!("geolocation" in navigator)) return;
    var button = block.querySelector("button");
    var status = block.querySelector("p");
    var form = block.closest("form");
    block.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          form.querySelector('[name="lat"]').value = pos.coords.latitude.toFixed(6);
          form.querySelector('[name="long"]').value = pos.coords.longitude.toFixed(6);
          status.textContent = "Position enregistrée. Vous pouvez continuer.";
          form.dispatchEvent(new Event("pv-located"));
        },
        function () {
          status.textContent = "Position indisponible : indiquez une adresse.";
        },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  });
})();
