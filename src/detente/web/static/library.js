// The scenario library: upload a file and open it, or say what is wrong with it.
"use strict";

document.getElementById("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const box = document.getElementById("upload-result");
  const data = new FormData();
  for (const field of ["file", "issues", "meta", "variants"]) {
    const input = form.elements[field];
    if (input.files.length) data.append(field, input.files[0]);
  }
  showLines(box, [t("uploading", {})], "info");
  const answer = await api.call("POST", "/api/scenarios", data);
  if (answer.ok) {
    window.location.assign("/scenarios/" + encodeURIComponent(answer.data.name));
  } else {
    showLines(box, describeError(answer.data));
  }
});
