// Uppsikt console: one page, no framework, no build step. It talks only to the review API on the
// same origin (docs/console.md) and keeps the ID token in sessionStorage, so closing the tab
// signs the user out. Text reaches the page through textContent, never innerHTML, except the
// charts' SVG, which our own server draws from numbers.
"use strict";

const LANGUAGES = ["sv", "da", "nb", "en"];
const SEVERITIES = ["legal", "mandatory", "advisory"];  // uppsikt.model.verdict.Severity, gravest first
const STATUSES = ["open", "in_review", "escalated", "confirmed", "removal_requested", "removal_done", "dismissed"];
const DECISIONS = { c: "confirmed", d: "dismissed", e: "escalated" };
// After a decision (review/workflow.py): what may follow, besides the three decisions.
const FOLLOW_UPS = { confirmed: ["removal_requested", "open"], dismissed: ["open"], removal_requested: ["removal_done"] };
const AUDIT_ROLES = ["auditor", "dpo", "admin"];

const state = {
  token: sessionStorage.getItem("uppsikt.token"),
  me: null,
  org: sessionStorage.getItem("uppsikt.org"),
  language: null,
  t: {},
  queue: { items: [], cursor: null, selected: 0, sort: { key: "created_at", dir: 1 }, filters: {} },
  flag: null,
  reasons: [],
  pendingDecision: null,
};

// ---- i18n -------------------------------------------------------------------------------
function t(key, vars) {
  let text = state.t[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

async function loadLanguage(language) {
  const lang = LANGUAGES.includes(language) ? language : "en";
  const response = await fetch(`/console/i18n/${lang}`);
  state.t = await response.json();
  state.language = lang;
  document.documentElement.lang = lang === "nb" ? "nb" : lang;
  document.getElementById("language").value = lang;
  translateStatic();
}

function translateStatic() {
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  document.title = `Uppsikt · ${t(titleKey())}`;
}

function titleKey() {
  const route = location.hash.split("/")[1] || "queue";
  return state.token ? `nav.${route === "flag" ? "flag" : route}` : "login.title";
}

function browserLanguage() {
  for (const tag of navigator.languages || []) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "no" || base === "nn") return "nb";
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

// ---- API ----------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && state.token) {
    signOut();
    throw new ApiError(401, "unauthorized", t("error.session"));
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    // The contract's {"error": {"code", "message"}}: our catalogue's text for the code, else the
    // API's message (it holds no personal data). Any other body (a route the API does not have
    // yet, a gateway's own answer) is not shown: it may echo request headers.
    const err = data && typeof data.error === "object" ? data.error : null;
    if (!err) throw new ApiError(response.status, "http", t("error.http", { status: response.status }));
    const known = t(`error.${err.code}`) !== `error.${err.code}`;
    throw new ApiError(response.status, err.code, known ? t(`error.${err.code}`) : err.message || err.code);
  }
  return data;
}

async function download(path, fallbackName) {
  // The exact media type: a gateway returns a binary body (the PDF) only to a caller who asks.
  const accept = path.includes("format=pdf") ? "application/pdf" : path.includes("format=csv") ? "text/csv" : "application/json";
  const response = await fetch(path, { headers: { Authorization: `Bearer ${state.token}`, Accept: accept } });
  if (!response.ok) throw new ApiError(response.status, "export_failed", t("error.export"));
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="?([^";]+)"?/.exec(disposition);
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: match ? match[1] : fallbackName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- DOM helpers --------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function say(message) {
  const status = document.getElementById("status");
  status.textContent = "";
  setTimeout(() => { status.textContent = message; }, 50);
}

function fail(error) {
  document.getElementById("alert").textContent = error instanceof ApiError ? error.message : t("error.unexpected");
  if (!(error instanceof ApiError)) console.error(error);
}

function clearAlert() { document.getElementById("alert").textContent = ""; }

// Answers come back in any order. Each load takes a turn in its place (the view, or a form in
// it); it draws, or reports an error, only while its turn is still the newest there and nobody
// has moved to another view meanwhile. Otherwise a slow answer for last week's report, or for a
// view already left, would paint over what the user asked for since.
const turns = {};
function takeTurn(place) {
  const mine = (turns[place] = (turns[place] ?? 0) + 1);
  const view = turns.view;
  return () => turns[place] === mine && turns.view === view;
}

function main(title, ...children) {
  const root = document.getElementById("main");
  root.replaceChildren(el("h1", { text: title }), ...children.filter((child) => child !== null && child !== undefined));
  translateStatic();
  return root;
}

function formatTime(iso, timeZone) {
  if (!iso) return "—";
  const locale = { sv: "sv-SE", da: "da-DK", nb: "nb-NO", en: "en-GB" }[state.language];
  return new Date(iso).toLocaleString(locale, { dateStyle: "short", timeStyle: "short", timeZone });
}

function roles() {
  const membership = (state.me?.memberships || []).find((m) => m.org_id === state.org);
  return membership ? membership.roles : [];
}

function flagId(item) { return item.flag_id ?? item.id; }
function ruleIds(item) { return item.rule_ids ?? (item.rule_id ? [item.rule_id] : (item.hits || []).map((h) => h.rule_id)); }

// Ages in the organisation's business hours, computed by the console's server (ages.py) from the
// flags' creation moments; without them the badge shows the creation time, uncoloured.
async function withAges(items) {
  if (!items.length) return;
  try {
    const result = await api("POST", `/console/orgs/${encodeURIComponent(state.org)}/ages`, { created_at: items.map((item) => item.created_at) });
    items.forEach((item, index) => { item.age = result.ages[index]; });
  } catch (error) { fail(error); }
}

function ageBadge(item) {
  const age = item.age;
  if (age && age.band) {
    const hours = Math.floor(age.business_hours ?? 0);
    return el("span", { class: `age age-${age.band}`, text: t("age.business", { hours }), title: t(`age.${age.band}`) });
  }
  return el("span", { class: "age", text: formatTime(item.created_at) });
}

function severityTag(severity) {
  return el("span", { class: `sev sev-${severity}`, text: t(`severity.${severity}`) });
}

// ---- login --------------------------------------------------------------------------------
function showLogin() {
  document.getElementById("top").hidden = true;
  const form = el("form", { class: "login", id: "login-form" },
    el("label", { for: "username", text: t("login.username") }),
    el("input", { id: "username", name: "username", autocomplete: "username", required: true }),
    el("label", { for: "password", text: t("login.password") }),
    el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
    el("button", { type: "submit", class: "primary", text: t("login.submit") }),
  );
  const picker = el("p", { class: "login-language" },
    ...LANGUAGES.map((lang) => el("button", { type: "button", class: "link", lang, "aria-pressed": String(lang === state.language),
      text: { sv: "Svenska", da: "Dansk", nb: "Norsk bokmål", en: "English" }[lang],
      onclick: async () => { await loadLanguage(lang); showLogin(); } })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearAlert();
    try {
      const result = await api("POST", "/auth/login", { username: form.username.value, password: form.password.value });
      state.token = result.id_token;
      sessionStorage.setItem("uppsikt.token", state.token);
      await start();
    } catch (error) { fail(error); }
  });
  main(t("login.title"), form, picker);
  form.username.focus();
}

function signOut() {
  state.token = null;
  state.me = null;
  sessionStorage.removeItem("uppsikt.token");
  location.hash = "";
  showLogin();
}

// ---- queue --------------------------------------------------------------------------------
const COLUMNS = [
  ["severity", "queue.severity"], ["rules", "queue.rules"], ["kind", "queue.kind"], ["platform", "queue.platform"],
  ["account_id", "queue.account"], ["created_at", "queue.age"], ["status", "queue.status"], ["assignee", "queue.assignee"],
];

function sortValue(item, key) {
  if (key === "severity") return SEVERITIES.indexOf(item.severity);
  if (key === "rules") return ruleIds(item).join(",");
  if (key === "kind") return (item.kinds ?? []).join(",");
  return item[key] ?? "";
}

function filterForm() {
  const f = state.queue.filters;
  const select = (name, values, prefix) => el("div", { class: "field" },
    el("label", { for: `f-${name}`, text: t(`queue.${name}`) }),
    el("select", { id: `f-${name}`, name },
      el("option", { value: "", text: t("queue.any") }),
      ...values.map((v) => el("option", { value: v, text: t(`${prefix}.${v}`), selected: f[name] === v }))));
  const input = (name, type) => el("div", { class: "field" },
    el("label", { for: `f-${name}`, text: t(`queue.${name}`) }),
    el("input", { id: `f-${name}`, name, type, value: f[name] || "" }));
  const form = el("form", { class: "filters", id: "filters", "aria-label": t("queue.filters") },
    select("status", STATUSES, "status"), select("severity", SEVERITIES, "severity"),
    input("rule", "text"), input("kind", "text"), input("platform", "text"), input("account", "text"),
    input("from", "date"), input("to", "date"),
    el("div", { class: "field buttons" },
      el("button", { type: "submit", class: "primary", text: t("queue.apply") }),
      el("button", { type: "reset", text: t("queue.clear") })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.queue.filters = Object.fromEntries([...new FormData(form)].filter(([, v]) => v));
    loadQueue();
  });
  form.addEventListener("reset", () => { state.queue.filters = {}; setTimeout(loadQueue); });
  return form;
}

async function loadQueue(more) {
  clearAlert();
  const current = takeTurn("queue");
  const params = new URLSearchParams(state.queue.filters);
  if (!state.queue.filters.status) params.set("status", "open");
  params.set("limit", "50");
  if (more && state.queue.cursor) params.set("cursor", state.queue.cursor);
  try {
    const page = await api("GET", `/orgs/${encodeURIComponent(state.org)}/flags?${params}`);
    await withAges(page.items);
    if (!current()) return;
    state.queue.items = more ? state.queue.items.concat(page.items) : page.items;
    state.queue.cursor = page.next_cursor;
    state.queue.counts = page.counts || {};
    if (!more) state.queue.selected = 0;
    renderQueue();
    say(t("queue.loaded", { count: state.queue.items.length }));
  } catch (error) { if (current()) fail(error); }
}

function renderQueue() {
  const q = state.queue;
  const items = [...q.items].sort((a, b) => {
    const x = sortValue(a, q.sort.key); const y = sortValue(b, q.sort.key);
    return (x < y ? -1 : x > y ? 1 : 0) * q.sort.dir;
  });
  q.sorted = items;
  const counts = el("ul", { class: "counts", "aria-label": t("queue.counts") },
    ...SEVERITIES.map((s) => el("li", {}, severityTag(s), el("span", { class: "count", text: String(q.counts?.severity?.[s] ?? q.counts?.[s] ?? 0) }))));
  const head = el("tr", {}, ...COLUMNS.map(([key, label]) => {
    const sorted = q.sort.key === key;
    return el("th", { scope: "col", "aria-sort": sorted ? (q.sort.dir > 0 ? "ascending" : "descending") : "none" },
      el("button", { type: "button", class: "sort", text: t(label), onclick: () => {
        q.sort = { key, dir: sorted ? -q.sort.dir : 1 };
        renderQueue();
      } }));
  }));
  const rows = items.map((item, index) => el("tr", {
    class: index === q.selected ? "selected" : null, "aria-selected": String(index === q.selected),
    "data-flag": flagId(item),
    onclick: () => { q.selected = index; openFlag(flagId(item)); },
  },
  el("td", {}, severityTag(item.severity)),
  el("td", {}, el("a", { href: `#/flag/${encodeURIComponent(flagId(item))}`, text: ruleIds(item).join(", ") || flagId(item) })),
  el("td", { text: (item.kinds ?? [item.kind]).filter(Boolean).join(", ") }), el("td", { text: item.platform ?? "" }), el("td", { text: item.account_id ?? "" }),
  el("td", {}, ageBadge(item)), el("td", { text: t(`status.${item.status}`) }), el("td", { text: item.assignee ?? "" })));
  const table = el("table", { class: "queue", id: "queue-table" },
    el("caption", { text: t("queue.caption") }), el("thead", {}, head),
    el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: COLUMNS.length, text: t("queue.empty") }))));
  const more = q.cursor ? el("button", { type: "button", text: t("queue.more"), onclick: () => loadQueue(true) }) : null;
  main(t("nav.queue"), counts, filterForm(), el("div", { class: "table-wrap" }, table), more,
    el("p", { class: "hint", text: t("queue.hint") }));
}

function moveSelection(delta) {
  const q = state.queue;
  if (!q.sorted?.length) return;
  q.selected = Math.max(0, Math.min(q.sorted.length - 1, q.selected + delta));
  const rows = document.querySelectorAll("#queue-table tbody tr");
  rows.forEach((row, index) => { row.classList.toggle("selected", index === q.selected); row.setAttribute("aria-selected", String(index === q.selected)); });
  rows[q.selected]?.querySelector("a")?.focus();
}

function selectedFlagId() {
  if (location.hash.startsWith("#/flag/")) return state.flag ? flagId(state.flag.flag) : null;
  const item = state.queue.sorted?.[state.queue.selected];
  return item ? flagId(item) : null;
}

// ---- flag detail --------------------------------------------------------------------------
function openFlag(id) { location.hash = `#/flag/${encodeURIComponent(id)}`; }

function highlighted(text, hits) {
  // Hits may overlap; each character is marked by the first hit (by start) that covers it.
  const sorted = [...(hits || [])].sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  sorted.forEach((hit, index) => {
    if (hit.end <= at) return;
    const start = Math.max(hit.start, at);
    if (start > at) parts.push(text.slice(at, start));
    parts.push(el("mark", { class: `hit sev-${hit.severity}`, "aria-describedby": `hit-${index}`, text: text.slice(start, hit.end) }));
    at = hit.end;
  });
  parts.push(text.slice(at));
  return el("p", { class: "item-text" }, ...parts);
}

async function showFlag(id) {
  clearAlert();
  const current = takeTurn("flag");
  try {
    const [detail, reasons] = await Promise.all([
      api("GET", `/orgs/${encodeURIComponent(state.org)}/flags/${encodeURIComponent(id)}`),
      state.reasons.length ? state.reasons : api("GET", `/reasons?language=${state.language}`).then((r) => r.templates ?? []),
    ]);
    await withAges([detail.flag]);
    if (!current()) return;
    state.flag = detail;
    state.reasons = reasons;
    renderFlag();
  } catch (error) { if (current()) fail(error); }
}

function renderFlag() {
  const { flag, item, context, history, claim } = state.flag;
  const id = flagId(flag);
  const hits = item?.hits || [];
  const hitList = el("ol", { class: "hits" }, ...hits.map((hit, index) => el("li", { id: `hit-${index}` },
    severityTag(hit.severity), " ",
    el("strong", { text: hit.rule_id }), ` · ${hit.kind}`,
    hit.clause ? el("span", { class: "clause", text: ` · ${t("flag.clause")} ${hit.clause}` }) : null,
    hit.explanation ? el("div", { class: "explanation", text: hit.explanation }) : null)));
  const thread = el("ol", { class: "thread" },
    ...(context?.parent ? [el("li", { class: "parent" }, el("span", { class: "who", text: t(`flag.parent_${context.parent.kind ?? "post"}`) }), el("p", { text: context.parent.text ?? t("flag.parent_gone") }))] : []),
    ...(context?.thread || []).map((entry) => el("li", { class: entry.id === flag.item_id ? "this" : null },
      el("span", { class: "who", text: formatTime(entry.at ?? entry.created_at) }),
      entry.id === flag.item_id ? highlighted(item.text, hits) : el("p", { text: entry.text ?? t("flag.parent_gone") }))));
  const inThread = (context?.thread || []).some((entry) => entry.id === flag.item_id);
  const decisions = el("div", { class: "decisions", role: "group", "aria-label": t("flag.decide") },
    ...Object.entries(DECISIONS).map(([key, to]) => el("button", {
      type: "button", class: `decision decision-${to}`, "aria-keyshortcuts": key, "data-to": to,
      text: `${t(`decision.${to}`)} (${key})`, onclick: () => askDecision(id, to) })),
    ...(FOLLOW_UPS[flag.status] || []).map((to) => el("button", { type: "button", class: "decision", "data-to": to,
      text: t(`decision.${to}`), onclick: () => askDecision(id, to) })));
  const holder = claim && (claim.claimed_by ?? claim.actor);
  const claimed = holder
    ? el("p", { class: "claim", text: t("flag.claimed_by", { who: holder === state.me.sub ? t("flag.you") : holder, until: formatTime(claim.expires_at) }) })
    : null;
  const claimButtons = el("div", { class: "buttons" },
    el("button", { type: "button", text: t("flag.claim"), onclick: () => act("POST", `${flagPath(id)}/claim`) }),
    holder ? el("button", { type: "button", text: t("flag.release"), onclick: () => act("DELETE", `${flagPath(id)}/claim`) }) : null,
    el("button", { type: "button", id: "unmask-open", text: t("flag.unmask"), onclick: () => document.getElementById("unmask").showModal() }));
  const historyList = historyView(history);
  const comment = el("form", { class: "comment", id: "comment-form" },
    el("label", { for: "comment-text", text: t("flag.comment") }),
    el("textarea", { id: "comment-text", rows: 2, required: true }),
    el("fieldset", {}, el("legend", { text: t("flag.visibility") }),
      el("label", {}, el("input", { type: "radio", name: "visibility", value: "internal", checked: true }), t("flag.internal")),
      el("label", {}, el("input", { type: "radio", name: "visibility", value: "record" }), t("flag.record"))),
    el("button", { type: "submit", text: t("flag.add_comment") }));
  comment.addEventListener("submit", async (event) => {
    event.preventDefault();
    await act("POST", `${flagPath(id)}/comments`, { text: comment["comment-text"].value, visibility: comment.visibility.value });
  });
  main(t("flag.title", { rule: ruleIds(flag).join(", ") || id }),
    el("p", { class: "meta", id: "flag-meta" }, severityTag(flag.severity), " ", el("span", { id: "flag-status", text: t(`status.${flag.status}`) }), ` · ${flag.platform ?? ""} · ${flag.account_id ?? ""} · ${t("flag.policy")} ${flag.policy_version ?? ""} · `, ageBadge(flag)),
    el("div", { class: "columns" },
      el("section", { "aria-labelledby": "h-item" },
        el("h2", { id: "h-item", text: t("flag.item") }),
        inThread ? null : highlighted(item?.text ?? "", hits),
        el("h3", { text: t("flag.thread") }), thread,
        el("div", { id: "unmasked", class: "unmasked", "aria-live": "polite" }),
        claimed, claimButtons),
      el("section", { "aria-labelledby": "h-hits" },
        el("h2", { id: "h-hits", text: t("flag.hits") }), hitList,
        el("h2", { text: t("flag.decide") }), decisions,
        el("h2", { text: t("flag.history") }), historyList, comment)),
    el("p", {}, el("a", { href: "#/queue", text: t("flag.back") })));
}

function flagPath(id) { return `/orgs/${encodeURIComponent(state.org)}/flags/${encodeURIComponent(id)}`; }

async function act(method, path, body) {
  clearAlert();
  try {
    await api(method, path, body);
    say(t("common.saved"));
    await showFlag(flagId(state.flag.flag));
  } catch (error) { fail(error); }
}

function askDecision(id, to) {
  state.pendingDecision = { id, to };
  const dialog = document.getElementById("decide");
  document.getElementById("decide-title").textContent = t(`decision.${to}`);
  document.getElementById("decide-target").textContent = t("decide.target", { id });
  const templates = document.getElementById("decide-template");
  templates.replaceChildren(el("option", { value: "", text: t("decide.free_text") }),
    ...state.reasons.filter((r) => !r.to || r.to.includes(to)).map((r) => el("option", { value: r.id, text: r.title ?? r.text })));
  const reason = document.getElementById("decide-reason");
  reason.value = "";
  templates.onchange = () => {
    const chosen = state.reasons.find((r) => r.id === templates.value);
    if (chosen) reason.value = chosen.text;
  };
  dialog.showModal();
  templates.focus();
}

async function submitDecision(event) {
  event.preventDefault();
  const { id, to } = state.pendingDecision;
  const reason = document.getElementById("decide-reason").value.trim();
  const template = document.getElementById("decide-template").value || null;
  if (!reason) return;
  document.getElementById("decide").close();
  clearAlert();
  try {
    await api("POST", `${flagPath(id)}/transitions`, { to, reason, template });
    say(t("decide.done", { decision: t(`decision.${to}`) }));
    if (location.hash.startsWith("#/flag/")) await showFlag(id);
    else await loadQueue();
  } catch (error) { fail(error); }
}

async function submitUnmask(event) {
  event.preventDefault();
  const reason = document.getElementById("unmask-reason").value.trim();
  if (!reason) return;
  document.getElementById("unmask").close();
  const id = flagId(state.flag.flag);
  const current = takeTurn("unmask");
  try {
    const result = await api("POST", `${flagPath(id)}/unmask`, { reason });
    document.getElementById("unmask-reason").value = "";
    if (!current()) return;  // the values are not drawn on a page the officer has left
    // [{rule_id, start, end, value}]: each masked span with the rule that masked it.
    const list = el("dl", { id: "unmasked-values" }, ...(result.values || []).flatMap((v) => [el("dt", { text: v.rule_id }), el("dd", { text: String(v.value) })]));
    document.getElementById("unmasked").replaceChildren(el("h3", { text: t("unmask.values") }), list);
    const detail = await api("GET", flagPath(id));
    if (!current()) return;
    state.flag.history = detail.history;
    document.getElementById("history").replaceWith(historyView(detail.history));
  } catch (error) { if (current()) fail(error); }
}

function historyView(history) {
  const who = (entry) => (entry.actor === state.me?.sub ? t("flag.you") : entry.username ?? entry.actor ?? "");
  return el("ol", { class: "history", id: "history" }, ...(history || []).map((entry) => el("li", {},
    el("time", { datetime: entry.at, text: formatTime(entry.at) }), " ",
    el("strong", { text: t(`action.${entry.action}`) !== `action.${entry.action}` ? t(`action.${entry.action}`) : entry.action }),
    ` · ${who(entry)}${entry.role ? ` (${entry.role})` : ""}`,
    entry.to_status && entry.from_status !== entry.to_status ? ` · ${t(`status.${entry.from_status}`)} → ${t(`status.${entry.to_status}`)}` : "",
    entry.reason ? el("q", { text: entry.reason }) : null,
    entry.visibility ? el("span", { class: "visibility", text: ` (${t(`flag.${entry.visibility}`)})` }) : null)));
}

// ---- dashboard ----------------------------------------------------------------------------
async function showDashboard() {
  clearAlert();
  const days = el("select", { id: "days" }, ...[7, 30, 90].map((n) => el("option", { value: n, text: t("dashboard.days", { n }), selected: n === 30 })));
  const charts = el("div", { class: "charts", id: "charts", "aria-busy": "true" });
  main(t("nav.dashboard"), el("div", { class: "field" }, el("label", { for: "days", text: t("dashboard.period") }), days), charts);
  const draw = async () => {
    const current = takeTurn("dashboard");
    charts.setAttribute("aria-busy", "true");
    try {
      const figures = await api("GET", `/orgs/${encodeURIComponent(state.org)}/dashboard?days=${days.value}`);
      const svgs = await api("POST", `/console/charts?language=${state.language}`, figures);
      if (!current()) return;
      charts.replaceChildren(...Object.entries(svgs).map(([name, svg]) => {
        const figure = el("figure", { class: "chart", "data-chart": name });
        // Our server's SVG, drawn by pygal from numbers only (no text from users or payloads).
        figure.innerHTML = svg;
        figure.querySelector("svg")?.setAttribute("role", "img");
        figure.querySelector("svg")?.setAttribute("aria-label", t(`chart.${name}`));
        return figure;
      }));
      charts.append(figuresTable(figures));
      charts.setAttribute("aria-busy", "false");
    } catch (error) { if (current()) fail(error); }
  };
  days.addEventListener("change", draw);
  await draw();
}

function figuresTable(figures) {
  const q = figures.time_to_decision || {};
  const hours = (seconds) => (seconds === null || seconds === undefined ? "—" : (seconds / 3600).toFixed(1));
  return el("section", { class: "figures", "aria-labelledby": "h-figures" },
    el("h2", { id: "h-figures", text: t("dashboard.figures") }),
    el("table", {}, el("caption", { text: t("chart.time_to_decision") }),
      el("tbody", {},
        el("tr", {}, el("th", { scope: "row", text: t("dashboard.decided") }), el("td", { text: String(q.count ?? 0) })),
        el("tr", {}, el("th", { scope: "row", text: `${t("chart.median")} (${t("chart.hours")})` }), el("td", { text: hours(q.median_seconds) })),
        el("tr", {}, el("th", { scope: "row", text: `${t("chart.p90")} (${t("chart.hours")})` }), el("td", { text: hours(q.p90_seconds) })))),
    el("table", {}, el("caption", { text: t("chart.open_by_age") }),
      el("tbody", {}, ...Object.entries(figures.open_by_age || {}).map(([band, n]) =>
        el("tr", {}, el("th", { scope: "row", text: band }), el("td", { text: String(n) }))))));
}

// ---- supervision report -------------------------------------------------------------------
function isoWeek(date) {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const start = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - start) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

async function showReport() {
  clearAlert();
  const week = el("input", { id: "week", type: "week", value: isoWeek(new Date(Date.now() - 7 * 86400000)), pattern: "[0-9]{4}-W[0-9]{2}" });
  const out = el("div", { id: "report-body" });
  const path = (format) => `/orgs/${encodeURIComponent(state.org)}/reports/supervision?week=${encodeURIComponent(week.value)}&format=${format}&language=${state.language}`;
  const exportButton = (format) => el("button", { type: "button", id: `export-${format}`, text: t(`report.export_${format}`), onclick: async () => {
    try { await download(path(format), `supervision-${state.org}-${week.value}.${format}`); say(t("report.exported")); } catch (error) { fail(error); }
  } });
  const show = async () => {
    const current = takeTurn("report");
    try {
      const report = await api("GET", path("json"));
      if (current()) out.replaceChildren(reportTable(report));
    } catch (error) { if (current()) fail(error); }
  };
  const form = el("form", { class: "report-form", onsubmit: (event) => { event.preventDefault(); show(); } },
    el("label", { for: "week", text: t("report.week") }), week,
    el("button", { type: "submit", class: "primary", text: t("report.show") }), exportButton("csv"), exportButton("pdf"));
  main(t("nav.report"), el("p", { text: t("report.intro") }), form, out);
  await show();
}

// GET .../reports/supervision?format=json (uppsikt.report.service.as_json): a row per account and
// a total, durations as {count, median_seconds, p90_seconds}, the review gaps and the checkpoint.
function reportTable(report) {
  const hours = (d) => (d && d.median_seconds !== null && d.median_seconds !== undefined
    ? `${(d.median_seconds / 3600).toFixed(1)} / ${(d.p90_seconds / 3600).toFixed(1)}` : "—");
  const percent = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)} %`);
  const columns = [
    ["report.account", (r) => r.account_id ?? t("report.total")], ["report.platform", (r) => r.platform ?? ""],
    ["report.flags", (r) => r.flags], ["report.coverage", (r) => percent(r.coverage)],
    ["report.first_review", (r) => hours(r.first_review)], ["report.removals", (r) => r.removals],
    ["report.to_removal", (r) => hours(r.notification_to_removal)], ["report.awaiting_removal", (r) => r.awaiting_removal],
    ["report.staff_threads", (r) => `${r.staff_threads_acted ?? 0} / ${r.staff_threads ?? 0}`],
    ["report.unreviewed", (r) => (r.unreviewed || []).length],
  ];
  const row = (r, total) => el("tr", { class: total ? "total" : null },
    ...columns.map(([, value], index) => el(index === 0 ? "th" : "td", index === 0 ? { scope: "row" } : {}, String(value(r) ?? "—"))));
  const checkpoint = report.checkpoint && report.checkpoint.head_hash;
  return el("div", {},
    el("p", { class: "checkpoint" }, t("report.checkpoint"), " ", checkpoint ? el("code", { id: "checkpoint-hash", text: checkpoint }) : t("report.no_checkpoint")),
    el("div", { class: "table-wrap" }, el("table", { class: "report", id: "report-table" },
      el("caption", { text: t("report.caption", { week: report.week ?? "" }) }),
      el("thead", {}, el("tr", {}, ...columns.map(([key]) => el("th", { scope: "col", text: t(key) })))),
      el("tbody", {}, ...(report.accounts || []).map((r) => row(r, false)), report.total ? row({ ...report.total, account_id: null, platform: "" }, true) : null))),
    el("h2", { text: `${t("report.gaps")} (${report.time_zone ?? ""})` }),
    (report.gaps || []).length
      ? el("ul", { id: "report-gaps" }, ...report.gaps.map((g) => el("li", { text: `${formatTime(g.start, report.time_zone)} – ${formatTime(g.end, report.time_zone)}` })))
      : el("p", { text: t("report.no_gaps") }),
    (report.approximations || []).length ? el("p", { class: "hint", text: report.approximations.join(" ") }) : null);
}

// ---- audit log ----------------------------------------------------------------------------
async function showAudit() {
  clearAlert();
  if (!roles().some((r) => AUDIT_ROLES.includes(r))) {
    main(t("nav.audit"), el("p", { text: t("audit.forbidden") }));
    return;
  }
  const current = takeTurn("audit");
  try {
    const page = await api("GET", `/orgs/${encodeURIComponent(state.org)}/audit`);
    if (!current()) return;
    // Newest first on the page; each entry's place in the organisation's hash chain is shown.
    const entries = [...(page.items ?? [])].sort((a, b) => b.seq - a.seq);
    main(t("nav.audit"), el("div", { class: "table-wrap" }, el("table", { class: "audit", id: "audit-table" },
      el("caption", { text: t("audit.caption") }),
      el("thead", {}, el("tr", {}, ...["seq", "at", "actor", "role", "action", "target", "reason", "hash"].map((k) => el("th", { scope: "col", text: t(`audit.${k}`) })))),
      el("tbody", {}, ...entries.map((e) => el("tr", { "data-action": e.action },
        el("td", { text: String(e.seq) }),
        el("td", {}, el("time", { datetime: e.at, text: formatTime(e.at) })),
        el("td", { text: e.actor === state.me?.sub ? t("flag.you") : e.actor }),
        el("td", { text: e.role ?? "" }), el("td", { text: t(`action.${e.action}`) !== `action.${e.action}` ? t(`action.${e.action}`) : e.action }),
        el("td", { text: e.target ?? "" }), el("td", { text: e.reason ?? "" }),
        el("td", {}, el("code", { title: e.hash, text: (e.hash ?? "").slice(0, 12) }))))))));
  } catch (error) { if (current()) fail(error); }
}

// ---- routing and keys ---------------------------------------------------------------------
async function route() {
  takeTurn("view");
  if (!state.token) return showLogin();
  const [, name, arg] = location.hash.split("/");
  for (const link of document.querySelectorAll("nav a")) {
    if (link.getAttribute("href") === `#/${name || "queue"}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (name === "flag" && arg) return showFlag(decodeURIComponent(arg));
  if (name === "dashboard") return showDashboard();
  if (name === "report") return showReport();
  if (name === "audit") return showAudit();
  if (state.queue.loadedFor === state.org && state.queue.sorted) return renderQueue();
  state.queue.loadedFor = state.org;
  return loadQueue();
}

function onKey(event) {
  if (!state.token || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, dialog")) return;
  const inQueue = !location.hash.startsWith("#/flag/") && (location.hash === "" || location.hash.startsWith("#/queue"));
  const inFlag = location.hash.startsWith("#/flag/");
  if (event.key === "?") { event.preventDefault(); document.getElementById("help").showModal(); return; }
  if (inQueue && (event.key === "j" || event.key === "k")) { event.preventDefault(); moveSelection(event.key === "j" ? 1 : -1); return; }
  if (inQueue && event.key === "Enter" && target.tagName !== "BUTTON" && target.tagName !== "A") {
    const id = selectedFlagId();
    if (id) { event.preventDefault(); openFlag(id); }
    return;
  }
  if ((inQueue || inFlag) && DECISIONS[event.key]) {
    const id = selectedFlagId();
    if (id) { event.preventDefault(); askDecision(id, DECISIONS[event.key]); }
    return;
  }
  if (inFlag && event.key === "u") { event.preventDefault(); location.hash = "#/queue"; }
}

async function start() {
  state.me = await api("GET", "/me");
  const memberships = state.me.memberships || [];
  if (!memberships.some((m) => m.org_id === state.org)) state.org = memberships[0]?.org_id ?? null;
  sessionStorage.setItem("uppsikt.org", state.org ?? "");
  const orgs = document.getElementById("org");
  orgs.replaceChildren(...memberships.map((m) => el("option", { value: m.org_id, text: m.org_id, selected: m.org_id === state.org })));
  await loadLanguage(state.me.language || state.language);
  document.getElementById("top").hidden = false;
  document.querySelector('nav a[href="#/audit"]').parentElement.hidden = !roles().some((r) => AUDIT_ROLES.includes(r));
  state.reasons = [];
  if (!location.hash || location.hash === "#/") location.hash = "#/queue";
  await route();
}

document.addEventListener("DOMContentLoaded", async () => {
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", () => { route().then(() => document.getElementById("main").focus({ preventScroll: true })); });
  document.getElementById("help-open").addEventListener("click", () => document.getElementById("help").showModal());
  document.getElementById("logout").addEventListener("click", signOut);
  document.getElementById("decide-form").addEventListener("submit", submitDecision);
  document.getElementById("decide-cancel").addEventListener("click", () => document.getElementById("decide").close());
  document.getElementById("unmask-form").addEventListener("submit", submitUnmask);
  document.getElementById("unmask-cancel").addEventListener("click", () => document.getElementById("unmask").close());
  document.getElementById("org").addEventListener("change", (event) => {
    state.org = event.target.value;
    sessionStorage.setItem("uppsikt.org", state.org);
    state.queue.loadedFor = null;
    route();
  });
  document.getElementById("language").addEventListener("change", async (event) => {
    const language = event.target.value;
    try {
      await api("PUT", "/me/language", { language });
      state.me.language = language;
      state.reasons = [];
      await loadLanguage(language);
      await route();
      say(t("common.language_saved"));
    } catch (error) { fail(error); }
  });
  const wanted = new URLSearchParams(location.search).get("lang");
  await loadLanguage(LANGUAGES.includes(wanted) ? wanted : browserLanguage());
  if (state.token) {
    try { await start(); } catch (error) { signOut(); }
  } else showLogin();
});
