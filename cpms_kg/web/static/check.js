// The check's progress page: follow the job through /api/jobs/{id} and show the report when it is done.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh and the Refresh header).
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch("/api/jobs/" + box.dataset.job, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        var percent = Math.round((job.progress || 0) * 100);
        bar.value = percent;
        text.textContent = percent + "% · " + (job.phase || job.status);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
