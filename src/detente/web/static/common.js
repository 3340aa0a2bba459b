// Shared by the pages: the page's words, calling the JSON API and showing what it refused.
"use strict";

// The page's language's messages (keys js.*, carried by the page: see web/messages.py).
const MESSAGES = JSON.parse(document.getElementById("i18n").textContent);

// The message `key` with its {placeholders} filled from `values`.
function t(key, values) {
  const text = MESSAGES["js." + key];
  if (text === undefined) throw new Error(`no message js.${key}`);
  return text.replace(/\{([a-z_]+)\}/g, (_, name) => String(values[name]));
}

// "1 actor" / "5 actors": the message `key` (or `key_one` for one) with n.
function count(key, n) {
  return n === 1 ? t(key + "_one", {}) : t(key, { n: n.toLocaleString() });
}

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
      return { ok: false, status: 0, data: { error: t("no_server", {}) } };
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

// A run's progress as the page's language says it (the server's own words in English).
function progressText(job) {
  if (document.documentElement.lang === "en") return job.progress.text || job.state;
  if (job.progress.total > 0) {
    return t("progress", { done: job.progress.done.toLocaleString(), total: job.progress.total.toLocaleString() });
  }
  return t("running", {});
}
