/* The donation form's donor search: as a name or unit (or a part of one) is typed, the donor
   list below offers the donors that match (asked of the server, a few at a time). Without this
   script the search button beside the field does the same by showing the form again. */
(function () {
  "use strict";
  var field = document.querySelector("input[data-donor-search]");
  if (!field) { return; }
  var select = document.getElementById(field.dataset.donorTarget);
  if (!select) { return; }
  var url = field.dataset.donorSearch;
  var timer = null;
  var sequence = 0;

  function offer(results) {
    var chosen = select.value;
    var keep = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === "" || (option.value === chosen && option.selected)) { keep.push(option); }
    });
    select.innerHTML = "";
    keep.forEach(function (option) { select.appendChild(option); });
    results.forEach(function (donor) {
      if (String(donor.id) === chosen) { return; }
      var option = document.createElement("option");
      option.value = String(donor.id);
      option.textContent = donor.label;
      select.appendChild(option);
    });
    // The matches stay in view as a list to pick from; nothing is picked for the user.
    if (results.length) { select.size = Math.min(select.options.length, 8); } else { select.removeAttribute("size"); }
  }

  function search() {
    var text = field.value.trim();
    var mine = ++sequence;
    if (!text) { offer([]); return; }
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" },
                                                   credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === sequence) { offer(data.results || []); } })
      .catch(function () { /* the search button still works */ });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  // Enter in the search field searches; Enter elsewhere records the donation, as in any form (the
  // search button comes first in the form, so the browser would otherwise take it for the default).
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(); }
  });
  var form = field.form;
  var record = form && form.querySelector("input[type=submit][name=submit], button[type=submit][name=submit]");
  if (form && record) {
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key !== "Enter" || target === field || target.tagName !== "INPUT") { return; }
      if (target.type === "submit" || target.type === "button") { return; }
      event.preventDefault();
      record.click();
    });
  }
})();
