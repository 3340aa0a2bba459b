// The scenario editor: read the grid into a scenario tree, validate it as you
// type (the server's validators, the same as the command line's), add and
// remove actors and issues, save, download, and run the models.
"use strict";

const page = JSON.parse(document.getElementById("page-data").textContent);
const original = JSON.parse(document.getElementById("scenario-data").textContent);
const GRID_KEYS = ["title", "source", "issues", "actors"];
const models = JSON.parse(document.getElementById("models-data").textContent);
const $ = (id) => document.getElementById(id);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

// "" -> null, "12.5" -> 12.5, anything else stays text for the validator to refuse.
function num(text) {
  const t = text.trim();
  if (t === "") return null;
  return NUMBER.test(t) ? Number(t) : t;
}

function estimate(el) {
  const value = num(el.querySelector(".v").value);
  const low = num(el.querySelector(".lo").value);
  const high = num(el.querySelector(".hi").value);
  const dist = el.dataset.dist;
  if (low === null && high === null) {
    if (value === null) return null;
    return dist ? { value, dist } : value;
  }
  const out = { value };
  if (low !== null) out.low = low;
  if (high !== null) out.high = high;
  if (dist) out.dist = dist;
  return out;
}

// "" -> null (no veto), "true"/"false" -> a flag, "territory, nato" -> issue ids.
function vetoOf(text) {
  const t = text.trim();
  if (t === "") return null;
  if (t === "true" || t === "false") return t === "true";
  return t.split(",").map((x) => x.trim());
}

// "US: 0.2, EU: 0.1" -> {US: 0.2, EU: 0.1}; anything else stays text for the validator.
function tiesOf(text) {
  const t = text.trim();
  if (t === "") return null;
  const ties = {};
  for (const part of t.split(",")) {
    const at = part.lastIndexOf(":");
    if (at < 0) return t;
    ties[part.slice(0, at).trim()] = num(part.slice(at + 1));
  }
  return ties;
}

// The scenario tree the grid shows right now.
function collect() {
  const tree = { title: $("f-title").value };
  const source = $("f-source").value;
  if (source.trim()) tree.source = source;
  tree.issues = [...document.querySelectorAll("#issues tr.issue")].map((row) => {
    const item = { id: row.querySelector(".i-id").value.trim() };
    const name = row.querySelector(".i-name").value;
    if (name.trim()) item.name = name;
    const lo = num(row.querySelector(".i-lo").value);
    const hi = num(row.querySelector(".i-hi").value);
    if (lo !== null || hi !== null) item.scale = [lo, hi];
    const labelLow = row.querySelector(".i-label-lo").value;
    const labelHigh = row.querySelector(".i-label-hi").value;
    if (labelLow.trim() || labelHigh.trim()) item.labels = { low: labelLow, high: labelHigh };
    const sq = num(row.querySelector(".i-sq").value);
    if (sq !== null) item.status_quo = sq;
    const noDeal = estimate(row.querySelector(".est.nd"));
    if (noDeal !== null) item.no_deal = noDeal;
    return item;
  });
  const ids = tree.issues.map((i) => i.id);
  tree.actors = [...document.querySelectorAll("#actors tr.actor")].map((row) => {
    const item = { id: row.querySelector(".a-id").value.trim() };
    const name = row.querySelector(".a-name").value;
    if (name.trim()) item.name = name;
    item.capability = estimate(row.querySelector(".est.cap"));
    item.at_table = row.querySelector(".a-table").checked;
    item.positions = {};
    item.salience = {};
    row.querySelectorAll("td.cell").forEach((cell) => {
      const issue = ids[Number(cell.dataset.issue)];
      item.positions[issue] = estimate(cell.querySelector(".est.pos"));
      item.salience[issue] = estimate(cell.querySelector(".est.sal"));
    });
    const notes = row.querySelector(".a-notes").value;
    if (notes.trim()) item.notes = notes;
    const veto = vetoOf(row.querySelector(".a-veto").value);
    if (veto !== null) item.veto = veto;
    const cost = estimate(row.querySelector(".est.ndc"));
    if (cost !== null) item.no_deal_cost = cost;
    const ties = tiesOf(row.querySelector(".a-ties").value);
    if (ties !== null) item.influence = ties;
    return item;
  });
  // What the grid does not show (model parameters, variants...) is kept as it was.
  for (const [key, value] of Object.entries(original)) {
    if (!GRID_KEYS.includes(key)) tree[key] = value;
  }
  return tree;
}

// --- validation --------------------------------------------------------------

function setStatus(text, cls) {
  const status = $("status");
  status.textContent = text;
  status.className = "status " + (cls || "");
}

function markProblems(problems) {
  document.querySelectorAll(".invalid").forEach((el) => {
    el.classList.remove("invalid");
    el.removeAttribute("title");
  });
  const panel = $("problems");
  panel.replaceChildren();
  panel.hidden = problems.length === 0;
  if (!problems.length) return;
  const head = document.createElement("p");
  head.textContent = count("problems", problems.length);
  const list = document.createElement("ul");
  list.className = "problems";
  for (const p of problems) {
    const li = document.createElement("li");
    // Problems about the grid need no file name; others (a save refused) keep theirs.
    li.textContent = p.key !== undefined && p.where ? `${p.where}: ${p.message}${p.fix ? " (" + t("fix", { fix: p.fix }) + ")" : ""}` : p.text;
    list.append(li);
    if (!p.key) continue;
    document.querySelectorAll(`[data-key="${p.key}"]`).forEach((el) => {
      el.classList.add("invalid");
      const folded = el.closest("details");
      if (folded) folded.open = true; // a problem in an actor's folded fields shows
      el.title = (el.title ? el.title + "\n" : "") + `${p.message}${p.fix ? " (" + t("fix", { fix: p.fix }) + ")" : ""}`;
    });
  }
  panel.append(head, list);
}

let validating = 0;
async function validate() {
  const ticket = ++validating;
  const answer = await api.call("POST", "/api/validate", { scenario: collect() });
  if (ticket !== validating) return null; // a newer edit is being checked
  if (!answer.ok) {
    markProblems([]);
    setStatus(describeError(answer.data).join(" "), "bad");
    return null;
  }
  markProblems(answer.data.problems);
  if (answer.data.ok) {
    const { actors, issues } = answer.data.counts;
    setStatus(t("valid", { actors: count("actors", actors), issues: count("issues", issues) }), "good");
  } else {
    setStatus(t("invalid", {}), "bad");
  }
  return answer.data.ok;
}

let timer = null;
function validateSoon() {
  setStatus(t("checking", {}), "");
  clearTimeout(timer);
  timer = setTimeout(validate, 300);
}

// --- adding and removing actors and issues -----------------------------------

async function redraw(tree) {
  const answer = await api.call("POST", "/fragments/grid", { scenario: tree });
  if (!answer.ok) {
    setStatus(describeError(answer.data).join(" "), "bad");
    return;
  }
  $("grid").innerHTML = answer.data;
  bindGrid();
  await validate();
}

function freeId(prefix, taken) {
  let n = taken.length + 1;
  while (taken.includes(prefix + n)) n += 1;
  return prefix + n;
}

function bindGrid() {
  $("show-ranges").checked = !document.body.classList.contains("no-ranges");
  $("show-ranges").addEventListener("change", (e) => {
    document.body.classList.toggle("no-ranges", !e.target.checked);
  });
  $("add-issue").addEventListener("click", () => {
    const tree = collect();
    const id = freeId("issue", tree.issues.map((i) => i.id));
    tree.issues.push({ id, scale: [0, 100] });
    for (const a of tree.actors) {
      a.positions[id] = null;
      a.salience[id] = null;
    }
    redraw(tree);
  });
  $("add-actor").addEventListener("click", () => {
    const tree = collect();
    const actor = { id: freeId("actor", tree.actors.map((a) => a.id)), capability: 50, at_table: true, positions: {}, salience: {} };
    for (const i of tree.issues) {
      actor.positions[i.id] = null;
      actor.salience[i.id] = null;
    }
    tree.actors.push(actor);
    redraw(tree);
  });
  document.querySelectorAll("[data-remove-issue]").forEach((button) => {
    button.addEventListener("click", () => {
      const tree = collect();
      const [gone] = tree.issues.splice(Number(button.dataset.removeIssue), 1);
      for (const a of tree.actors) {
        delete a.positions[gone.id];
        delete a.salience[gone.id];
      }
      redraw(tree);
    });
  });
  document.querySelectorAll("[data-remove-actor]").forEach((button) => {
    button.addEventListener("click", () => {
      const tree = collect();
      tree.actors.splice(Number(button.dataset.removeActor), 1);
      redraw(tree);
    });
  });
}

// --- saving and downloading --------------------------------------------------

// The name a scenario is saved under: what the box says, less a ".yaml" the user typed.
function scenarioName(text) {
  return text.trim().replace(/\.ya?ml$/i, "");
}

function putScenario(name, replace) {
  const url = "/api/scenarios/" + encodeURIComponent(name) + (replace ? "?replace=true" : "");
  return api.call("PUT", url, { scenario: collect() });
}

// Saving the scenario this page opened writes over its own file (its comments kept);
// a name that another scenario has is replaced only once the user says so.
async function save() {
  const name = scenarioName($("save-name").value);
  if (!name) {
    setStatus(t("name_needed", {}), "bad");
    $("save-name").focus();
    return;
  }
  const own = name === page.name;
  let answer = await putScenario(name, own);
  if (answer.status === 409) {
    if (!window.confirm(t("replace", { error: answer.data.error }))) {
      setStatus(t("not_saved", { error: answer.data.error }), "bad");
      return;
    }
    answer = await putScenario(name, true);
  }
  if (!answer.ok) {
    if (answer.data.problems) markProblems(answer.data.problems.map((p) => ({ ...p, key: "" })));
    setStatus(describeError(answer.data)[0], "bad");
    await validate();
    return;
  }
  if (answer.data.name !== page.name) {
    // The page of the scenario just saved says so once it has opened.
    sessionStorage.setItem(SAVED_KEY, JSON.stringify(answer.data));
    window.location.assign("/scenarios/" + encodeURIComponent(answer.data.name));
    return;
  }
  showSaved(answer.data.file);
}

const SAVED_KEY = "detente-saved";

function showSaved(file) {
  $("saved").textContent = t("saved", { file });
  $("saved").hidden = false;
}

// A save that opened this page: say what was saved (until the next edit).
function announceSaved() {
  const saved = JSON.parse(sessionStorage.getItem(SAVED_KEY) || "null");
  sessionStorage.removeItem(SAVED_KEY);
  if (saved && saved.name === page.name) showSaved(saved.file);
}

async function download(format) {
  const name = $("save-name").value.trim() || "scenario";
  const response = await fetch("/api/export", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scenario: collect(), format, name }),
  });
  if (!response.ok) {
    await validate();
    setStatus(t("fix_first", {}), "bad");
    return;
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = match ? match[1] : `${name}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// --- running -----------------------------------------------------------------

function fillPresets() {
  const chosen = $("run-model").value;
  const names = new Set();
  for (const m of models) {
    if (chosen === "all" || m.name === chosen) Object.keys(m.presets).forEach((p) => names.add(p));
  }
  const select = $("run-preset");
  select.replaceChildren(new Option(t("default_preset", {}), ""));
  for (const p of names) select.append(new Option(p, p));
}

// "rounds=10, eu.q=0.5" -> {rounds: 10, "eu.q": 0.5}: values as JSON where they parse.
function parseParams(text) {
  const params = {};
  for (const part of text.split(/[,\n]/)) {
    if (!part.trim()) continue;
    const at = part.indexOf("=");
    if (at < 1) throw new Error(t("param_syntax", { part: part.trim() }));
    const value = part.slice(at + 1).trim();
    let parsed;
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
    params[part.slice(0, at).trim()] = parsed;
  }
  return params;
}

let current = null;
async function run() {
  const errors = $("run-errors");
  let params;
  try {
    params = parseParams($("run-params").value);
  } catch (err) {
    showLines(errors, [err.message]);
    return;
  }
  showLines(errors, []);
  const kind = $("run-kind").value;
  const body = { kind, scenario: collect(), model: $("run-model").value, params };
  if ($("run-preset").value) body.preset = $("run-preset").value;
  if (kind === "simulate" || kind === "sensitivity") {
    body.draws = Number($("run-draws").value);
    body.seed = Number($("run-seed").value);
  }
  if (kind === "compare") {
    body.variants = [...document.querySelectorAll("#run-variants input:checked")].map((i) => i.value);
    body.what_ifs = $("run-whatifs").value.split("\n").map((t) => t.trim()).filter(Boolean);
  }
  const answer = await api.call("POST", "/api/jobs", body);
  if (!answer.ok) {
    showLines(errors, describeError(answer.data));
    return;
  }
  current = answer.data.id;
  $("run").disabled = true;
  $("cancel").hidden = false;
  $("progress").hidden = false;
  poll(current);
}

function showProgress(job) {
  const bar = $("progress-bar");
  if (job.progress.total > 0) {
    bar.max = job.progress.total;
    bar.value = job.progress.done;
  } else {
    bar.removeAttribute("value");
  }
  $("progress-text").textContent = `${progressText(job)} · ${job.seconds.toFixed(1)} s`;
}

async function poll(id) {
  const answer = await api.call("GET", "/api/jobs/" + id);
  if (id !== current) return;
  if (!answer.ok) {
    finish();
    showLines($("run-errors"), describeError(answer.data));
    return;
  }
  const job = answer.data;
  showProgress(job);
  if (job.state === "running") {
    setTimeout(() => poll(id), 200);
    return;
  }
  finish();
  if (job.state === "done") {
    const fragment = await api.call("GET", "/fragments/jobs/" + id);
    $("result").innerHTML = fragment.ok ? fragment.data : "";
    if (!fragment.ok) showLines($("run-errors"), describeError(fragment.data));
  } else {
    const error = t("run_ended", { state: t("state." + job.state, {}), error: job.error || "" });
    showLines($("run-errors"), describeError({ error, problems: job.problems }));
  }
}

function finish() {
  current = null;
  $("run").disabled = false;
  $("cancel").hidden = true;
  $("progress").hidden = true;
}

async function cancel() {
  const id = current;
  if (!id) return;
  finish();
  const answer = await api.call("DELETE", "/api/jobs/" + id);
  showLines($("run-errors"), [answer.ok ? t("cancelled", {}) : describeError(answer.data).join(" ")], "info");
}

// --- wiring ------------------------------------------------------------------

$("editor").addEventListener("input", () => { $("saved").hidden = true; validateSoon(); });
$("editor").addEventListener("change", validateSoon);
$("save").addEventListener("click", save);
document.querySelectorAll("[data-download]").forEach((b) => b.addEventListener("click", () => download(b.dataset.download)));
$("run-model").addEventListener("change", fillPresets);
$("run-kind").addEventListener("change", () => {
  const kind = $("run-kind").value;
  document.querySelectorAll(".run-form .mc").forEach((el) => { el.hidden = kind !== "simulate" && kind !== "sensitivity"; });
  document.querySelectorAll(".run-form .cmp").forEach((el) => { el.hidden = kind !== "compare"; });
  // The command line's defaults, unless the user chose another number.
  const draws = $("run-draws");
  if (kind === "sensitivity" && draws.value === "10000") draws.value = "1000";
  if (kind === "simulate" && draws.value === "1000") draws.value = "10000";
});
$("run").addEventListener("click", run);
$("cancel").addEventListener("click", cancel);
fillPresets();
bindGrid();
announceSaved();
validate();
