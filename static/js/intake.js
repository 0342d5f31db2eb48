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

  /* Only the categories with a rule set in force for the chosen fund on the deciding date (the event date,
     or the submission date if the rule set says so; today for a draft) are offered, and only the amounts
     that category's rule set uses are asked: none of the medical amounts for education or living aid. */
  var ruleSets = JSON.parse(form.getAttribute("data-rule-sets") || "[]");
  var categories = JSON.parse(form.getAttribute("data-categories") || "[]");
  var submissionDate = form.getAttribute("data-submission-date") || "";
  var fundField = form.querySelector("[name=fund]");
  var categoryField = form.querySelector("[name=category]");
  var eventField = form.querySelector("[name=event_date]");

  function inForce(ruleSet) {
    var day = ruleSet.date_basis === "submission" ? submissionDate : ((eventField && eventField.value) || submissionDate);
    return ruleSet.from <= day && (!ruleSet.to || day <= ruleSet.to);
  }

  function ruleSetFor(fundId, categoryId) {
    for (var i = 0; i < ruleSets.length; i++) {
      var ruleSet = ruleSets[i];
      if (String(ruleSet.fund) === fundId && String(ruleSet.category) === categoryId && inForce(ruleSet)) {
        return ruleSet;
      }
    }
    return null;
  }

  function showAmounts(basis) {
    form.querySelectorAll("[data-basis]").forEach(function (block) {
      var asked = block.getAttribute("data-basis") === basis;
      block.hidden = !asked;
      block.querySelectorAll("input").forEach(function (input) {
        if (input.name !== "self_paid") { input.disabled = !asked; }
      });
    });
  }

  function offerCategories() {
    if (!fundField || !categoryField) { return; }
    var current = categoryField.value;
    var offered = categories.filter(function (category) { return ruleSetFor(fundField.value, String(category.id)); });
    while (categoryField.options.length) { categoryField.remove(0); }
    offered.forEach(function (category) {
      var option = document.createElement("option");
      option.value = String(category.id);
      option.textContent = category.name;
      categoryField.appendChild(option);
    });
    if (offered.some(function (category) { return String(category.id) === current; })) {
      categoryField.value = current;
    }
    var ruleSet = ruleSetFor(fundField.value, categoryField.value);
    showAmounts(ruleSet ? ruleSet.basis : "self_paid");
  }

  [fundField, eventField].forEach(function (field) {
    if (field) { field.addEventListener("change", offerCategories); }
  });
  if (categoryField) {
    categoryField.addEventListener("change", function () {
      var ruleSet = ruleSetFor(fundField.value, categoryField.value);
      showAmounts(ruleSet ? ruleSet.basis : "self_paid");
    });
  }

  function query() {
    var params = new URLSearchParams();
    names.forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field && !field.disabled) { params.set(name, field.value); }
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
  offerCategories();
  refresh();
})();
