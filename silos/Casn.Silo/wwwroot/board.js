// A public board: subscribes to the room's Server-Sent Events. The browser's EventSource reconnects by
// itself and sends Last-Event-ID, so the server resumes from the last version shown, never an older one.
"use strict";

const $ = (id) => document.getElementById(id);
const texts = {
  id: { title: "Papan Skor", rank: "No.", participant: "No. Peserta", name: "Nama", total: "Total", status: "Status",
        updated: (s) => `Diperbarui ${s} detik lalu`, waiting: "Menunggu data…", down: "Koneksi ke server terputus — mencoba lagi. Skor di bawah mungkin tidak terbaru.",
        stale: (s) => `Data terakhir ${s} detik lalu`, switchTo: "English", notFound: "Ruang ujian tidak ditemukan.",
        statuses: { not_started: "Belum mulai", in_progress: "Sedang ujian", paused: "Dijeda", finished: "Selesai", passed: "Memenuhi ambang batas", failed: "Belum memenuhi" } },
  en: { title: "Scoreboard", rank: "#", participant: "Participant", name: "Name", total: "Total", status: "Status",
        updated: (s) => `Updated ${s} s ago`, waiting: "Waiting for data…", down: "Connection to the server lost — retrying. Scores below may be out of date.",
        stale: (s) => `Last data ${s} s ago`, switchTo: "Bahasa Indonesia", notFound: "Exam room not found.",
        statuses: { not_started: "Not started", in_progress: "In progress", paused: "Paused", finished: "Finished", passed: "Passed threshold", failed: "Below threshold" } },
};
let language = localStorage.getItem("casn.board.language") || "id";
let board = null, previous = new Map(), connected = false, confirmedAt = 0;

const room = new URLSearchParams(location.search).get("room") || "";
$("room").textContent = room;

$("language").addEventListener("click", () => {
  language = language === "id" ? "en" : "id";
  localStorage.setItem("casn.board.language", language);
  render();
});

const source = new EventSource(`/api/boards/rooms/${room}/events`);
source.addEventListener("board", (event) => {
  connected = true;
  const next = JSON.parse(event.data);
  if (board && next.version <= board.version) return;
  board = next;
  confirmedAt = Math.max(confirmedAt, Date.parse(board.publishedAt));
  render();
});
// Sent every 10 s while nothing changes: the board on screen is still the server's board.
source.addEventListener("alive", (event) => {
  connected = true;
  confirmedAt = Math.max(confirmedAt, Date.parse(JSON.parse(event.data).serverTime));
  tick();
});
source.onopen = () => { connected = true; showDown(false); };
source.onerror = () => { connected = false; showDown(true); };

function showDown(down) { $("down").hidden = !down; $("down").textContent = texts[language].down; }

function render() {
  const t = texts[language];
  document.documentElement.lang = language;
  $("language").textContent = t.switchTo;
  $("title").textContent = board ? `${t.title} — ${board.examTitle}` : t.title;
  if (!$("down").hidden) showDown(true);
  if (!board) { $("freshness").textContent = t.waiting; return; }
  const heads = [t.rank, t.participant, t.name, ...board.sections.map((s) => `<span class="section">${s}</span>`), t.total, t.status];
  $("head").innerHTML = heads.map((h, i) => `<th class="${i >= 3 && i < 3 + board.sections.length ? "section" : ""}">${h}</th>`).join("");
  const body = $("rows");
  body.replaceChildren(...board.rows.map((row, index) => {
    const tr = document.createElement("tr");
    tr.dataset.participant = row.participantNo;
    const cells = [index + 1, row.participantNo, row.name, ...row.sectionScores, row.total];
    cells.forEach((value, i) => {
      const td = document.createElement("td");
      td.textContent = value;
      if (i >= 3 && i < 3 + row.sectionScores.length) td.className = "section";
      if (i === cells.length - 1) td.className = "total";
      tr.append(td);
    });
    const status = document.createElement("td");
    const badge = document.createElement("span");
    badge.className = `status ${row.status}`;
    badge.textContent = t.statuses[row.status] || row.status;
    status.append(badge);
    tr.append(status);
    if (previous.has(row.participantNo) && previous.get(row.participantNo) !== row.total) tr.className = "changed";
    return tr;
  }));
  previous = new Map(board.rows.map((r) => [r.participantNo, r.total]));
  tick();
}

// Freshness from the server's own clock (last publish or keep-alive), so a lagging board says so instead of looking current.
function tick() {
  if (!board) return;
  const t = texts[language];
  const age = Math.max(0, Math.round((Date.now() - confirmedAt) / 1000));
  const stale = !connected || age > 30;
  $("freshness").textContent = stale ? t.stale(age) : t.updated(age);
  $("freshness").classList.toggle("stale", stale);
}
setInterval(tick, 1000);
render();
