// Shared by the pages: calling the JSON API and showing what it refused.
"use strict";

const api = {
  // fetch, then the JSON body (or null); never throws for an HTTP error status.
  async call(method, url, body) {
    const init = { method, headers: {} };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      return { ok: false, status: 0, data: { error: "the workbench does not answer: is `detente serve` still running?" } };
    }
    const type = response.headers.get("Content-Type") || "";
    const data = type.includes("application/json") ? await response.json() : await response.text();
    return { ok: response.ok, status: response.status, data, response };
  },
};

// An error answer ({error, problems}) as a list of lines.
function describeError(data) {
  if (data === null || typeof data !== "object") return [String(data)];
  const lines = [];
  if (data.error) lines.push(data.error);
  for (const p of data.problems || []) lines.push(p.text || p.message);
  return lines;
}

function showLines(box, lines, cls) {
  box.replaceChildren();
  if (!lines.length) return;
  const [head, ...rest] = lines;
  const p = document.createElement("p");
  p.className = cls || "error";
  p.textContent = head;
  box.append(p);
  if (rest.length) {
    const ul = document.createElement("ul");
    ul.className = "problems";
    for (const line of rest) {
      const li = document.createElement("li");
      li.textContent = line;
      ul.append(li);
    }
    box.append(ul);
  }
}
