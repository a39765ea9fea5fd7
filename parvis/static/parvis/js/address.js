/* Address completion for fields marked data-address-complete="<url>": proposes the address
   engine's matches in a <datalist> while the resident types. Without this script (or without
   the address engine) the field is a plain text field and the form still works. */
(function () {
  "use strict";
  var DELAY = 250;
  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-choices";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query.length < 3 || query === last) return;
      last = query;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var url = input.dataset.addressComplete + "?q=" + encodeURIComponent(query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { addresses: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.addresses || []).forEach(function (address) {
              var option = document.createElement("option");
              option.value = address.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no completion: the field stays free text */ });
      }, DELAY);
    });
  }
  document.querySelectorAll("input[data-address-complete]").forEach(attach);
})();
