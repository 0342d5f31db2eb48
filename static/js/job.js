// The job page: draw the progress bar and poll the job's JSON until it is done or failed.
(function () {
  "use strict";
  var statusNode = document.getElementById("job-status");
  var bar = document.getElementById("job-bar");
  if (!statusNode || !bar) return;

  function draw(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", percent);
  }

  draw(bar.dataset.percent || 0);
  var status = statusNode.dataset.status;
  if (status === "done" || status === "failed") return;

  function poll() {
    fetch("?format=json", {credentials: "same-origin"}).then(function (response) {
      return response.json();
    }).then(function (data) {
      draw(data.percent);
      document.getElementById("job-count").textContent = data.done + " / " + data.total;
      document.getElementById("job-message").textContent = data.message;
      if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
