/* Live estimate on the "event and amounts" step: asks the server's funds engine
   for the result of the values as typed; nothing is saved until the form is. */
(function () {
  "use strict";
  var form = document.getElementById("facts-form");
  if (!form) { return; }
  var url = form.getAttribute("data-estimate-url");
  var texts = document.getElementById("intake-i18n");
  var i18n = texts ? texts.dataset : {};
  var names = ["fund", "category", "event_date", "disease", "total_cost", "reimbursed", "other_aid", "assessed_loss"];
  var amount = document.getElementById("estimate-amount");
  var explanation = document.getElementById("estimate-explanation");
  var error = document.getElementById("estimate-error");
  var ruleSet = document.getElementById("estimate-rule-set");
  var selfPaid = form.querySelector("[name=self_paid]");
  var timer = null;
  var sequence = 0;
  var english = (i18n.lang || "").indexOf("en") === 0;

  function query() {
    var params = new URLSearchParams();
    names.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) { params.set(name, field.value); }
    });
    return params.toString();
  }

  function show(data) {
    error.textContent = "";
    if (data.self_paid !== undefined && selfPaid) { selfPaid.value = data.self_paid.replace(/,/g, ""); }
    if (data.over_total) { error.textContent = i18n.overTotal || ""; }
    if (!data.ok) {
      amount.textContent = "";
      explanation.textContent = "";
      error.textContent = data.error || "";
      return;
    }
    ruleSet.textContent = data.rule_set || "";
    if (!data.eligible) {
      amount.textContent = i18n.notEligible || "";
      explanation.textContent = (english ? data.reasons_en : data.reasons).join("; ");
    } else if (data.amount !== null) {
      amount.textContent = data.amount + " " + (i18n.yuan || "");
      explanation.textContent = english ? data.explanation_en : data.explanation;
    } else {
      amount.textContent = data.range_min + " " + (i18n.rangeTo || "–") + " " + data.range_max + " " + (i18n.yuan || "");
      explanation.textContent = english ? data.explanation_en : data.explanation;
    }
    amount.setAttribute("data-ready", "1");
  }

  function refresh() {
    var mine = ++sequence;
    fetch(url + "?" + query(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (mine === sequence) { show(data); } })
      .catch(function () { /* the saved estimate stays shown */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  names.forEach(function (name) {
    var field = form.querySelector("[name=" + name + "]");
    if (field) {
      field.addEventListener("input", schedule);
      field.addEventListener("change", schedule);
    }
  });
  refresh();
})();
