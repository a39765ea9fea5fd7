// Maps with Leaflet (vendored), only when the city configured a tile server. Without
// JavaScript or without tiles, the list and the address field do the job.
(function () {
  "use strict";
  if (!window.L) return;
  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false }).setView([47.2184, -1.5536], 13);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    return map;
  }
  // Public list: the reports of the current filters, each linking to its page.
  document.querySelectorAll('[data-module="pv-reports-map"]').forEach(function (el) {
    var map = baseMap(el);
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          onEachFeature: function (feature, marker) {
            var p = feature.properties;
            var link = document.createElement("a");
            link.href = p.url;
            link.textContent = "n° " + p.id + " — " + p.category_name + " (" + p.status_label + ")";
            marker.bindPopup(link);
          }
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 16 });
      });
  });
  // Report form: a click on the map fills the latitude and longitude fields.
  document.querySelectorAll('[data-module="pv-report-map"]').forEach(function (el) {
    var map = baseMap(el);
    var form = el.closest("form");
    var lat = form.querySelector('[name="lat"]');
    var lon = form.querySelector('[name="long"]');
    var marker = null;
    function place(latlng) {
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
    }
    if (lat.value && lon.value) place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
    map.on("click", function (e) { place(e.latlng); });
    form.addEventListener("pv-located", function () {
      place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
      map.setView(marker.getLatLng(), 17);
    });
  });
})();
