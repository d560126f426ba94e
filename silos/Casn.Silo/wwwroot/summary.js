// A site's, a Kanreg's or the nation's board: how many sit, how many finished, how totals are spread.
// No candidate appears here. live.js follows the stream, as for a room's board.
"use strict";

const $ = (id) => document.getElementById(id);
const texts = {
  id: { title: "Papan Rekap", national: "Nasional", candidates: "Peserta", inProgress: "Sedang ujian", paused: "Dijeda", finished: "Selesai",
        passed: "Memenuhi ambang batas", mean: "Rata-rata total", distribution: "Sebaran nilai total", part: "Bagian",
        exams: "Per ujian", exam: "Ujian", shortlisted: "Lolos ke SKB",
        updated: (s) => `Diperbarui ${s} detik lalu`, waiting: "Menunggu data…", stale: (s) => `Data terakhir ${s} detik lalu`,
        down: "Koneksi ke server terputus — mencoba lagi. Angka di bawah mungkin tidak terbaru.", switchTo: "English" },
  en: { title: "Summary board", national: "National", candidates: "Candidates", inProgress: "In progress", paused: "Paused", finished: "Finished",
        passed: "Met the threshold", mean: "Mean total", distribution: "Distribution of totals", part: "Part",
        exams: "Per exam", exam: "Exam", shortlisted: "Shortlisted for SKB",
        updated: (s) => `Updated ${s} s ago`, waiting: "Waiting for data…", stale: (s) => `Last data ${s} s ago`,
        down: "Connection to the server lost — retrying. Figures below may be out of date.", switchTo: "Bahasa Indonesia" },
};
let language = localStorage.getItem("casn.board.language") || "id";

const query = new URLSearchParams(location.search);
const kanreg = query.get("kanreg");
const site = query.get("site"); // "{kanreg}/{site}"
const scope = site || kanreg;
const path = site ? `/api/boards/sites/${site.split("/").map(encodeURIComponent).join("/")}/events`
  : kanreg ? `/api/boards/kanreg/${encodeURIComponent(kanreg)}/events` : "/api/boards/national/events";

$("language").addEventListener("click", () => {
  language = language === "id" ? "en" : "id";
  localStorage.setItem("casn.board.language", language);
  render();
});

function showDown(down) {
  $("down").hidden = !down;
  $("down").textContent = texts[language].down;
}
const live = followBoard(path, () => render(), showDown, () => texts[language]);

const mean = (s) => (s.candidates ? s.sumOfTotals / s.candidates : 0).toFixed(1);

function render() {
  const t = texts[language];
  document.documentElement.lang = language;
  $("language").textContent = t.switchTo;
  $("title").textContent = t.title;
  $("scope").textContent = scope || t.national;
  $("distribution-title").textContent = t.distribution;
  const board = live.board;
  if (!board) { $("freshness").textContent = t.waiting; return; }
  const s = board.summary;
  $("totals").replaceChildren(...[[t.candidates, s.candidates], [t.inProgress, s.inProgress], [t.paused, s.paused], [t.finished, s.finished],
    [t.passed, s.passed], [t.mean, mean(s)]].map(([label, value]) => {
    const div = document.createElement("div");
    div.textContent = label;
    const b = document.createElement("b");
    b.textContent = value;
    b.dataset.figure = label;
    div.append(b);
    return div;
  }));
  const most = Math.max(1, ...s.histogram);
  $("bars").replaceChildren(...s.histogram.flatMap((count, i) => {
    const label = document.createElement("span");
    label.textContent = `${i * 50}–${i * 50 + 49}`;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${(100 * count) / most}%`;
    const value = document.createElement("span");
    value.textContent = count;
    return [label, bar, value];
  }));
  $("head").replaceChildren(...[t.part, t.candidates, t.inProgress, t.paused, t.finished, t.passed, t.mean].map((h) => {
    const th = document.createElement("th");
    th.textContent = h;
    return th;
  }));
  $("parts").replaceChildren(...(board.parts || []).map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.part = p.name;
    for (const value of [p.name, p.summary.candidates, p.summary.inProgress, p.summary.paused, p.summary.finished, p.summary.passed, mean(p.summary)]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  }));
  renderExams(t, s.exams || []);
  live.tick();
}

/** Finished, passed and (nationally) shortlisted per exam; shortlists come from the positions' rankings. */
function renderExams(t, exams) {
  $("exams-section").hidden = exams.length === 0;
  $("exams-title").textContent = t.exams;
  const columns = [t.exam, t.finished, t.passed, ...(scope ? [] : [t.shortlisted])];
  $("exams-head").replaceChildren(...columns.map((h) => {
    const th = document.createElement("th");
    th.textContent = h;
    return th;
  }));
  $("exams-body").replaceChildren(...exams.map((e) => {
    const tr = document.createElement("tr");
    tr.dataset.exam = e.examId;
    for (const [name, value] of [["exam", e.title || e.examId], ["finished", e.finished], ["passed", e.passed], ...(scope ? [] : [["shortlisted", e.shortlisted]])]) {
      const td = document.createElement("td");
      td.textContent = value;
      td.dataset.figure = name;
      tr.append(td);
    }
    return tr;
  }));
}

render();
