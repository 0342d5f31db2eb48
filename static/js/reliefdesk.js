/* What pages declare with data attributes, so that no page needs an inline script or
   style attribute (the Content-Security-Policy runs neither). */
(function () {
  "use strict";
  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  // <button data-print>: print the page.
  each("[data-print]", function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // <select data-autosubmit>: choosing submits its form (the language menu).
  each("select[data-autosubmit]", function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <input type="checkbox" data-tick-all="payouts">: ticks or clears every box of that name.
  each("input[data-tick-all]", function (box) {
    box.addEventListener("click", function () {
      each("input[name='" + box.dataset.tickAll + "']", function (other) { other.checked = box.checked; });
    });
  });

  // <div class="progress-bar" data-percent="42">: its width.
  each(".progress-bar[data-percent]", function (bar) {
    bar.style.width = (parseInt(bar.dataset.percent, 10) || 0) + "%";
  });
})();
