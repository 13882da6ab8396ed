// The page's own script: the editor, the example picker, open/save/share, and showing what
// chainrule (Python, in Pyodide) returns. All checking is chainrule's: viz.site.app.check.
import { loadPyodide } from "./vendor/pyodide/pyodide.mjs";
import { Graphviz } from "./vendor/graphviz/index.js";

const $ = (id) => document.getElementById(id);
const page = { app: null, examples: [], name: "worked-example.toml", started: performance.now() };

function status(state, text) {
  const el = $("status");
  el.dataset.state = state;
  el.lastChild.textContent = text;
}

// ---- the editor: a textarea with line numbers ----------------------------------------------

function renumber(mark) {
  const lines = $("source").value.split("\n").length;
  const gutter = $("gutter");
  gutter.replaceChildren();
  for (let n = 1; n <= lines; n++) {
    const line = document.createElement("span");
    line.textContent = n + "\n";
    if (n === mark) line.className = "at";
    gutter.append(line);
  }
  gutter.scrollTop = $("source").scrollTop;
}

function setSource(name, text) {
  page.name = name;
  $("filename").textContent = name;
  $("source").value = text;
  $("source").scrollTop = 0;
  renumber();
}

function goToLine(line) {
  const source = $("source");
  const lines = source.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  source.focus({ preventScroll: true });
  source.setSelectionRange(start, start + (lines[line - 1] || "").length);
  const height = source.scrollHeight / Math.max(lines.length, 1);
  source.scrollTop = Math.max(0, (line - 5) * height);
  renumber(line);
}

// ---- checking ------------------------------------------------------------------------------

function showError(message) {
  $("error-text").textContent = message;
  $("error").hidden = false;
  // The checker names the place as FILE:LINE:COLUMN (or "line N"): show that line.
  const at = /^[^\n]*?:(\d+):\d+:/.exec(message) || /\bline (\d+)/.exec(message);
  if (at) goToLine(Number(at[1]));
  const report = $("report");
  report.dataset.error = message;
}

function showReport(result) {
  const report = $("report");
  const r = result.report;
  const first = r.items.find((item) => item.index === r.first_wrong);
  window.lastReport = r; // every verdict, as python -m viz.check --json gives it
  delete report.dataset.error;
  Object.assign(report.dataset, {
    state: "checked",
    id: r.id,
    numbers: r.counts.numbers,
    wrong: r.counts.wrong,
    counts: JSON.stringify(r.counts),
    firstWrong: r.first_wrong === null ? "" : r.first_wrong,
    firstWrongQuantity: first ? first.quantity : "",
    firstWrongClass: first ? first.class : "",
  });
  report.dataset.checks = Number(report.dataset.checks || 0) + 1;
  $("headline").textContent = result.headline;
  $("first-wrong").textContent = result.first_wrong;
  $("verdict").hidden = false;
  $("placeholder").hidden = true;
  const frame = $("report-frame");
  frame.hidden = false;
  frame.srcdoc = result.html;
}

function check() {
  if (!page.app) return;
  $("check").disabled = true;
  status("checking", "Checking…");
  // Let the browser paint "Checking…" before Python holds the page.
  requestAnimationFrame(() => setTimeout(runCheck, 0));
}

function runCheck() {
  const started = performance.now();
  let result;
  try {
    result = JSON.parse(page.app.check(page.name, $("source").value));
  } catch (err) {
    result = { ok: false, error: "chainrule failed in the page: " + (err.message || err) };
  }
  $("check").disabled = false;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!result.ok) {
    showError(result.error);
    status("ready", `${page.name} cannot be checked: the message is above the editor; the report below is the last good one.`);
  } else {
    $("error").hidden = true;
    renumber();
    showReport(result);
    status("ready", `Checked ${page.name} in ${seconds} s.`);
  }
  // How many times the page has answered Check, for whoever waits on it (a test, say).
  document.body.dataset.answers = Number(document.body.dataset.answers || 0) + 1;
}

// ---- examples, files and links -------------------------------------------------------------

async function openExample(id) {
  const entry = page.examples.find((e) => e.id === id);
  if (!entry) {
    showError(`There is no shipped example ${JSON.stringify(id)}; the examples are: ${page.examples.map((e) => e.id).join(", ")}`);
    return false;
  }
  const response = await fetch("examples/" + entry.file);
  setSource(entry.file, await response.text());
  $("examples").value = id;
  return true;
}

async function pack(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function unpack(packed) {
  const binary = atob(packed.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return await new Response(stream).text();
}

async function fromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has("example")) return await openExample(params.get("example"));
  if (params.has("file")) {
    try {
      setSource(params.get("name") || "shared.toml", await unpack(params.get("file")));
      $("examples").value = "";
      return true;
    } catch (err) {
      showError("The link's file cannot be read (is the link cut short?): " + err.message);
    }
  }
  return false;
}

async function share() {
  const fragment = new URLSearchParams({ name: page.name, file: await pack($("source").value) });
  history.replaceState(null, "", "#" + fragment.toString());
  const shared = $("shared");
  shared.hidden = false;
  try {
    await navigator.clipboard.writeText(location.href);
    shared.textContent = "· link copied";
  } catch {
    shared.textContent = "· the address bar holds the link";
  }
}

function save() {
  const url = URL.createObjectURL(new Blob([$("source").value], { type: "application/toml" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: page.name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function openFile(file) {
  const reader = new FileReader();
  reader.onload = () => {
    setSource(file.name, String(reader.result));
    $("examples").value = "";
  };
  reader.readAsText(file);
}

// ---- start ---------------------------------------------------------------------------------

async function loadExamples() {
  page.examples = await (await fetch("examples/index.json")).json();
  for (const e of page.examples) {
    $("examples").append(new Option(`${e.id}: ${e.title}`, e.id));
  }
}

async function startPython() {
  const [pyodide, graphviz, archive] = await Promise.all([
    loadPyodide({ indexURL: new URL("vendor/pyodide/", location.href).href }),
    Graphviz.load(),
    fetch("chainrule.zip").then((r) => {
      if (!r.ok) throw new Error(`chainrule.zip: ${r.status} ${r.statusText}`);
      return r.arrayBuffer();
    }),
  ]);
  pyodide.unpackArchive(archive, "zip", { extractDir: "/home/pyodide/chainrule" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/chainrule')");
  const app = pyodide.pyimport("viz.site.app");
  const version = app.start((source, format) => graphviz.layout(source, format, "dot"));
  page.app = app;
  // For the console: chainrule's Python, e.g. pyodide.runPython("from autograd import Value; ...").
  window.pyodide = pyodide;
  return version;
}

function wire() {
  $("source").addEventListener("input", () => renumber());
  $("source").addEventListener("scroll", () => { $("gutter").scrollTop = $("source").scrollTop; });
  $("source").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
  });
  $("check").addEventListener("click", check);
  $("examples").addEventListener("change", async (e) => {
    if (!e.target.value) return;
    history.replaceState(null, "", "#example=" + encodeURIComponent(e.target.value));
    if (await openExample(e.target.value)) check();
  });
  $("open").addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", (e) => { if (e.target.files.length) openFile(e.target.files[0]); });
  $("save").addEventListener("click", save);
  $("share").addEventListener("click", share);
  window.addEventListener("hashchange", async () => { if (await fromLink()) check(); });
  $("report-frame").addEventListener("load", () => {
    const doc = $("report-frame").contentDocument;
    if (doc && doc.body) $("report-frame").style.height = doc.documentElement.scrollHeight + 24 + "px";
  });
}

async function main() {
  wire();
  renumber();
  let linked = false;
  try {
    await loadExamples();
    linked = await fromLink();
  } catch (err) {
    showError("The page's examples cannot be read: " + err.message);
  }
  try {
    const version = await startPython();
    const seconds = ((performance.now() - page.started) / 1000).toFixed(1);
    status("ready", `Python ${version} and chainrule ready in ${seconds} s.`);
    $("check").disabled = false;
    document.body.dataset.ready = "true";
    if (linked) check();
  } catch (err) {
    status("failed", "Python could not start in this page: " + (err.message || err));
  }
}

main();
