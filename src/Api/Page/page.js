// The audience explorer: plain JS, inline SVG, no libraries. Every value from the server goes in through
// textContent or attributes, never as HTML. The chosen movie lives in the URL (?movie=ID) so a page can be shared.
// The API key lives in this tab's sessionStorage only: typed into the sign-in form, or handed over once as
// #key=... in the address, which the page removes at once so it is neither shared nor kept in the history.
"use strict";
const SVG = "http://www.w3.org/2000/svg";
const REFRESH_MS = 2000;
const TOP = 20;
const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
let movieId = Number(query.get("movie")) || null;
// The audience's filters live in the URL too (?age=25-34&gender=F), so a filtered page can be shared.
$("size").value = Number(query.get("size")) || 100;
$("size-value").value = $("size").value;
$("age").value = query.get("age") || "";
$("gender").value = query.get("gender") || "";
// A member looked at (?member=ID) is kept in the URL as well; reading one needs the member:read scope.
let memberId = Number(query.get("member")) || null;
const titles = new Map();
let refreshes = 0;
const KEY = "insights-api-key";
const handedOver = new URLSearchParams(location.hash.slice(1)).get("key");
if (handedOver) {
  sessionStorage.setItem(KEY, handedOver);
  history.replaceState(null, "", location.pathname + location.search);
}

// Errors are problem details (RFC 9457): the detail names the problem. A 401 asks the user to sign in.
async function getJson(url) {
  const key = sessionStorage.getItem(KEY);
  const response = await fetch(url, { cache: "no-store", headers: key ? { "X-Api-Key": key } : {} });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) showSignIn();
  if (!response.ok) throw new Error(body.detail || `${url}: HTTP ${response.status}`);
  return body;
}

function showSignIn() {
  sessionStorage.removeItem(KEY);
  $("sign-in").hidden = false;
}

$("sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("api-key").value.trim());
  $("api-key").value = "";
  $("sign-in").hidden = true;
  loadMovies().catch(() => {}).then(refresh);
});

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", !!isError);
}

async function loadMovies() {
  const { movies } = await getJson("/movies");
  for (const m of movies) titles.set(m.movie_id, m.title);
  const select = $("movie");
  const keep = movieId;
  select.replaceChildren(...movies.map((m) => {
    const option = document.createElement("option");
    option.value = m.movie_id;
    option.textContent = `${m.title} (${m.status === "now_showing" ? "now showing" : "coming soon"})`;
    return option;
  }));
  if (keep && !movies.some((m) => m.movie_id === keep)) {
    // A movie asked for by id stays selectable even before its title has arrived.
    const option = document.createElement("option");
    option.value = keep;
    option.textContent = `movie ${keep}`;
    select.prepend(option);
  }
  movieId = keep || (movies[0] && movies[0].movie_id) || null;
  if (movieId) select.value = String(movieId);
}

// Probabilities as percentages: one decimal from 1% up, two significant digits below.
const percentOf = (p) => (p >= 0.01 ? `${(100 * p).toFixed(1)}%` : p > 0 ? `${(100 * p).toPrecision(2)}%` : "0%");

// A table row of text cells, the third a probability, with data attributes (in the order given) for tests.
function scoreRow(data, cells) {
  const tr = document.createElement("tr");
  for (const [key, value] of Object.entries(data)) tr.dataset[key] = value;
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  tr.children[2].className = "score";
  return tr;
}

function drawAudience(answer) {
  const rows = answer.members.map((m, i) => {
    const tr = scoreRow({ member: m.member_id, score: m.score.toFixed(6) },
      [i + 1, m.member_id, percentOf(m.score), m.age_band || "–", m.gender || "–"]);
    tr.addEventListener("click", () => showMember(m.member_id));
    return tr;
  });
  $("audience").tBodies[0].replaceChildren(...rows);
  $("audience-size").textContent = `top ${rows.length}`;
}

// Axis ticks: as few digits as the value needs (0.01%, 0.1%, 1%, 10%, 100%).
const tickOf = (p) => `${Number((100 * p).toPrecision(2))}%`;

// The bins are on a log scale of probability (see the API's ScoreBins): the first, everything below the floor, is a
// bar of its own at the left; the others sit at their place on a log10 axis, with a tick at every decade.
function drawHistogram(histogram) {
  const svg = $("histogram");
  const width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
  const left = 40, bottom = 24, top = 8, plotW = width - left - 8, plotH = height - top - bottom;
  const bins = histogram.bins;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const floor = bins.length > 1 ? bins[1].from : 0;
  const firstW = bins.length > 1 ? plotW / bins.length : plotW;
  const logW = plotW - firstW;
  const x = (p) => left + firstW + (Math.log10(p / floor) / -Math.log10(floor)) * logW;
  const parts = [el("line", { class: "axis", x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH }),
    el("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, String(max)),
    el("text", { x: left - 6, y: top + plotH, "text-anchor": "end" }, "0")];
  bins.forEach((bin, i) => {
    const x0 = i === 0 ? left : x(bin.from), x1 = i === 0 ? left + firstW : x(bin.to);
    const h = (bin.count / max) * plotH;
    const bar = el("rect", { class: "bar", x: x0 + 1, y: top + plotH - h, width: Math.max(1, x1 - x0 - 2), height: h,
      "data-from": bin.from, "data-to": bin.to, "data-count": bin.count });
    bar.append(el("title", {}, `${percentOf(bin.from)}–${percentOf(bin.to)}: ${bin.count}`));
    parts.push(bar);
  });
  if (floor > 0) {
    // The first bar (below the floor) ends at the first tick; its tooltip names it.
    for (let p = floor; p <= 1.0000001; p *= 10)
      parts.push(el("text", { x: x(p), y: height - 8, "text-anchor": p > 0.5 ? "end" : "middle" }, tickOf(p)));
  } else {
    parts.push(el("text", { x: left, y: height - 8 }, "0%"), el("text", { x: left + plotW, y: height - 8, "text-anchor": "end" }, "100%"));
  }
  svg.replaceChildren(...parts);
  $("histogram-size").textContent = `${histogram.members} members`;
}

// Latencies span orders of magnitude (tens of ms when live, tens of seconds while a worker catches up), so that chart
// has a log axis with a tick per decade from 10 ms: one slow second must not flatten the rest against the floor.
const LOG_FLOOR_MS = 10;
const msTick = (v) => (v >= 1000 ? `${v / 1000} s` : `${v} ms`);

function drawSeries(svg, seconds, series, logAxis = false) {
  const width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
  const left = 48, bottom = 20, top = 8, plotW = width - left - 8, plotH = height - top - bottom;
  const values = series.flatMap((s) => seconds.map(s.value)).filter((v) => v !== null);
  const max = logAxis ? Math.max(LOG_FLOOR_MS * 10, 10 ** Math.ceil(Math.log10(Math.max(1, ...values)))) : Math.max(1, ...values);
  const x = (i) => left + (i + 0.5) * (plotW / seconds.length);
  const y = logAxis
    ? (v) => top + plotH - (Math.log10(Math.max(v, LOG_FLOOR_MS) / LOG_FLOOR_MS) / Math.log10(max / LOG_FLOOR_MS)) * plotH
    : (v) => top + plotH - (v / max) * plotH;
  const parts = [el("line", { class: "axis", x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH }),
    el("text", { x: left, y: height - 4 }, `-${seconds.length}s`),
    el("text", { x: left + plotW, y: height - 4, "text-anchor": "end" }, "now")];
  if (logAxis) {
    for (let v = LOG_FLOOR_MS; v <= max; v *= 10)
      parts.push(el("text", { x: left - 6, y: Math.max(top + 10, y(v) + 4), "text-anchor": "end" }, msTick(v)),
        el("line", { class: "grid", x1: left, y1: y(v), x2: left + plotW, y2: y(v) }));
  } else {
    parts.push(el("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, String(Math.round(max))),
      el("text", { x: left - 6, y: top + plotH, "text-anchor": "end" }, "0"));
  }
  for (const s of series) {
    if (s.bars) {
      const w = Math.max(1, plotW / seconds.length - 1);
      seconds.forEach((second, i) => {
        const v = s.value(second) || 0;
        if (v > 0) parts.push(el("rect", { class: s.className, x: x(i) - w / 2, y: y(v), width: w, height: top + plotH - y(v), "data-value": v }));
      });
    } else {
      const points = seconds.map((second, i) => [i, s.value(second)]).filter(([, v]) => v !== null);
      if (points.length > 1) parts.push(el("polyline", { class: `line ${s.className}`, points: points.map(([i, v]) => `${x(i)},${y(v)}`).join(" ") }));
      // Points too, so a lone second with updates still shows.
      for (const [i, v] of points) parts.push(el("circle", { class: `point ${s.className}`, cx: x(i), cy: y(v), r: 2.5, "data-value": v }));
    }
  }
  svg.replaceChildren(...parts);
}

// Rescores carry the member's last event time, so their "latency" is that event's age: they are counted (grey, at
// the bottom of each second's bar) but never drawn on the latency chart, whose lines are live updates only.
function drawStats(stats) {
  drawSeries($("throughput"), stats.seconds, [
    { className: "rate", bars: true, value: (s) => s.updates },
    { className: "rescore", bars: true, value: (s) => s.rescores || 0 },
  ]);
  drawSeries($("latency"), stats.seconds, [
    { className: "arrival", value: (s) => s.arrival_p50_ms },
    { className: "arrival95", value: (s) => s.arrival_p95_ms },
    { className: "compute", value: (s) => s.compute_p50_ms },
  ], true);
  $("throughput").dataset.total = stats.total_updates;
  const rescores = stats.seconds.reduce((sum, s) => sum + (s.rescores || 0), 0);
  $("latency").dataset.live = stats.seconds.reduce((sum, s) => sum + s.updates - (s.rescores || 0), 0);
  $("latency").dataset.rescores = rescores;
  $("rescores").textContent = rescores > 0
    ? `${rescores} rescores in the last ${stats.seconds.length} s are not in these lines: they keep the member's last event time`
    : "";
}

// Expected attendances run from fractions of a person (a niche title) to thousands: two significant digits at least.
const people = (v) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2));

// The coming-soon titles side by side: a bar per title scaled to the largest expected attendance, and the change
// over the last hour (a dash until the API has sampled an hour back). A row picks its movie.
function drawComingSoon(answer) {
  const max = Math.max(1e-9, ...answer.titles.map((t) => t.expected_attendance));
  const rows = answer.titles.map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.comingSoon = t.movie_id;
    tr.dataset.expected = t.expected_attendance.toFixed(6);
    const bar = document.createElement("span");
    bar.className = "inline-bar";
    bar.style.width = `${Math.round((60 * t.expected_attendance) / max)}px`;
    const expected = document.createElement("td");
    expected.append(bar, ` ${people(t.expected_attendance)}`);
    const cells = [t.title, String(t.audience), expected,
      t.momentum === null ? "–" : `${t.momentum >= 0 ? "+" : "−"}${(100 * Math.abs(t.momentum)).toFixed(1)}%`];
    tr.append(...cells.map((c) => { if (typeof c !== "string") return c; const td = document.createElement("td"); td.textContent = c; return td; }));
    tr.addEventListener("click", () => { movieId = t.movie_id; $("movie").value = String(movieId); remember(); });
    return tr;
  });
  $("coming-soon").tBodies[0].replaceChildren(...rows);
  $("coming-soon-caption").textContent = rows.length === 0 ? "no title is coming soon"
    : rows.length === 1 ? "1 title" : `${rows.length} titles, most expected attendance first`;
}

// Expected attendances are sums of probabilities: the page says how well the model's probabilities matched observed
// rates on its validation events (the expected calibration error, in percentage points, at the base rate it was measured at).
async function showModel() {
  const line = $("model");
  try {
    const model = await getJson("/model");
    const ece = model.training.validation_ece, base = model.training.validation_base_rate;
    line.dataset.version = model.model_version;
    line.textContent = `Model ${model.model_version}` + (ece === undefined ? "" :
      `: its probabilities were off by ${(100 * ece).toPrecision(2)} percentage points on average on its validation events ` +
      `(expected calibration error, at a base rate of ${percentOf(base)})`);
  } catch (e) {
    line.textContent = e.message;
  }
}

async function refreshComingSoon() {
  try { drawComingSoon(await getJson("/movies/coming-soon")); }
  catch (e) { $("coming-soon-caption").textContent = e.message; }
}

// Campaign sizing: the figures for the chosen size, and the expected attendance curve with that size marked.
function drawSizing(size) {
  $("sizing-audience").textContent = `${size.audience_size} members in the audience`;
  $("size").max = Math.max(1, size.audience_size);
  $("size-value").value = $("size").value;
  const percent = (v) => `${(100 * v).toFixed(1)}%`;
  const figures = $("sizing");
  figures.textContent = `expected attendance ${people(size.expected_attendance)} of ${people(size.expected_total)} ` +
    `(${percent(size.share)}), lift ${size.lift.toFixed(2)}× over random targeting`;
  figures.dataset.expected = size.expected_attendance.toFixed(6);
  figures.dataset.lift = size.lift.toFixed(6);
  const svg = $("curve");
  const width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
  const left = 48, bottom = 20, top = 8, plotW = width - left - 8, plotH = height - top - bottom;
  const maxX = Math.max(1, size.audience_size), maxY = Math.max(1e-9, size.expected_total);
  const x = (n) => left + (n / maxX) * plotW, y = (v) => top + plotH - (v / maxY) * plotH;
  const points = [[0, 0], ...size.curve.map((p) => [p.members, p.expected_attendance])];
  svg.replaceChildren(
    el("line", { class: "axis", x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH }),
    el("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, people(size.expected_total)),
    el("text", { x: left + plotW, y: height - 4, "text-anchor": "end" }, String(size.audience_size)),
    el("polyline", { class: "curve", points: points.map(([n, v]) => `${x(n)},${y(v)}`).join(" ") }),
    el("line", { class: "marker", x1: x(size.members), y1: top, x2: x(size.members), y2: top + plotH }));
}

// Where the histogram sits on screen, for tests that look at a screenshot.
function markBoxes() {
  for (const id of ["audience", "coming-soon", "histogram", "throughput", "latency"]) {
    const r = $(id).getBoundingClientRect();
    $(id).dataset.box = [r.left, r.top, r.width, r.height].map(Math.round).join(",");
  }
}

async function refresh() {
  try {
    if (!movieId) { await loadMovies(); if (!movieId) { say("no movies yet"); return; } }
    const [audience, histogram, stats, sizing] = await Promise.all([
      getJson(`/movies/${movieId}/audience?top=${TOP}${filters()}`),
      getJson(`/movies/${movieId}/histogram?bins=20`).catch((e) => ({ error: e.message })),
      getJson("/stats?seconds=60").catch((e) => ({ error: e.message })),
      getJson(`/movies/${movieId}/audience/summary?top=${$("size").value}${filters()}`).catch((e) => ({ error: e.message })),
    ]);
    drawAudience(audience);
    if (sizing.error) $("sizing").textContent = sizing.error; else drawSizing(sizing);
    if (histogram.error) say(histogram.error, true); else drawHistogram(histogram);
    if (!stats.error) drawStats(stats);
    markBoxes();
    refreshes++;
    document.body.dataset.refreshes = refreshes;
    document.body.dataset.movie = movieId;
    if (stats.caught_up === false) say("still reading the topics: the audience is not complete yet");
    else if (!histogram.error) say(`updated ${new Date().toLocaleTimeString()}${stats.error ? ` · ${stats.error}` : ""}`, !!stats.error);
  } catch (e) {
    say(e.message, true);
  }
}

// The chosen filters as query parameters of the audience and export calls.
function filters() {
  const parts = [["age", $("age").value], ["gender", $("gender").value]].filter(([, v]) => v);
  return parts.map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join("");
}

function remember() {
  history.replaceState(null, "", `?movie=${movieId}${filters()}&size=${$("size").value}${memberId ? `&member=${memberId}` : ""}`);
  refresh();
}

$("movie").addEventListener("change", (event) => {
  movieId = Number(event.target.value);
  remember();
});
$("size").addEventListener("input", () => { $("size-value").value = $("size").value; });
$("size").addEventListener("change", remember);
$("age").addEventListener("change", remember);
$("gender").addEventListener("change", remember);

// One member's propensities, best first (the API sends them so), with the movies they have seen flagged. The call
// needs the member:read scope: a key without it gets the API's reason here, and the rest of the page keeps working.
const MEMBER_TOP = 10;

async function drawMember() {
  const status = $("member-status");
  const body = $("member").tBodies[0];
  if (!memberId) { body.replaceChildren(); status.textContent = ""; return; }
  $("member-id").value = memberId;
  try {
    const member = await getJson(`/members/${memberId}/propensities`);
    const rows = member.movies.slice(0, MEMBER_TOP).map((m, i) => scoreRow({ movie: m.movie_id, score: m.score.toFixed(6) },
      [i + 1, titles.get(m.movie_id) || `movie ${m.movie_id}`, percentOf(m.score), m.seen ? "seen" : ""]));
    body.replaceChildren(...rows);
    $("member-caption").textContent = `member ${member.member_id}: best ${rows.length} of ${member.movies.length} candidates`;
    status.textContent = `model ${member.model_version}, scored ${new Date(member.computed_at_ms).toLocaleString()}`;
    status.classList.remove("error");
  } catch (e) {
    body.replaceChildren();
    status.textContent = e.message;
    status.classList.add("error");
  }
}

function showMember(id) {
  memberId = Number(id) || null;
  remember();
  drawMember();
}

$("member-form").addEventListener("submit", (event) => {
  event.preventDefault();
  showMember($("member-id").value);
});

// The export needs the key header, so it is fetched, then handed to the browser as a file.
$("download").addEventListener("click", async () => {
  if (!movieId) return;
  const key = sessionStorage.getItem(KEY);
  const response = await fetch(`/movies/${movieId}/audience.csv?${filters().slice(1)}`, { headers: key ? { "X-Api-Key": key } : {} });
  if (response.status === 401) showSignIn();
  if (!response.ok) { say(`export: HTTP ${response.status}`, true); return; }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `audience-movie-${movieId}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
});

(async () => {
  try { await loadMovies(); } catch (e) { say(e.message, true); }
  await refresh();
  await drawMember();
  await refreshComingSoon();
  await showModel();
  setInterval(refresh, REFRESH_MS);
  // Each title's figures sum its whole audience: every 30 s is fresh enough for a comparison.
  setInterval(() => loadMovies().catch(() => {}).then(refreshComingSoon), REFRESH_MS * 15);
})();
