// Waiting for a briefing: show progress, allow cancelling, open it when ready.
"use strict";

const box = document.getElementById("report-wait");
const id = box.dataset.job;
let stopped = false;

async function poll() {
  const answer = await api.call("GET", "/api/jobs/" + id);
  if (stopped) return;
  if (!answer.ok) {
    showLines(document.getElementById("run-errors"), describeError(answer.data));
    return;
  }
  const job = answer.data;
  document.getElementById("progress-text").textContent = `${progressText(job)} · ${job.seconds.toFixed(1)} s`;
  if (job.state === "running") {
    setTimeout(poll, 300);
  } else if (job.state === "done") {
    window.location.replace(job.result.report);
  } else {
    document.getElementById("progress").hidden = true;
    const state = t("state." + job.state, {});
    const error = { error: t("briefing_ended", { state, error: job.error || "" }), problems: job.problems };
    showLines(document.getElementById("run-errors"), describeError(error));
  }
}

document.getElementById("cancel").addEventListener("click", async () => {
  stopped = true;
  const answer = await api.call("DELETE", "/api/jobs/" + id);
  document.getElementById("progress").hidden = true;
  showLines(document.getElementById("run-errors"), [answer.ok ? t("briefing_cancelled", {}) : describeError(answer.data).join(" ")], "info");
});
poll();
