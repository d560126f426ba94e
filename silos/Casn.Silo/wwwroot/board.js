// A room's public board: every candidate's line, sorted, with changes highlighted (live.js follows the stream).
"use strict";

const $ = (id) => document.getElementById(id);
const texts = {
  id: { title: "Papan Skor", rank: "No.", participant: "No. Peserta", name: "Nama", total: "Total", status: "Status",
        updated: (s) => `Diperbarui ${s} detik lalu`, waiting: "Menunggu data…", down: "Koneksi ke server terputus — mencoba lagi. Skor di bawah mungkin tidak terbaru.",
        stale: (s) => `Data terakhir ${s} detik lalu`, switchTo: "English", notFound: "Ruang ujian tidak ditemukan.",
        statuses: { not_started: "Belum mulai", in_progress: "Sedang ujian", paused: "Dijeda", finished: "Selesai", passed: "Memenuhi ambang batas", failed: "Tidak memenuhi ambang batas", absent: "Tidak hadir" } },
  en: { title: "Scoreboard", rank: "#", participant: "Participant", name: "Name", total: "Total", status: "Status",
        updated: (s) => `Updated ${s} s ago`, waiting: "Waiting for data…", down: "Connection to the server lost — retrying. Scores below may be out of date.",
        stale: (s) => `Last data ${s} s ago`, switchTo: "Bahasa Indonesia", notFound: "Exam room not found.",
        statuses: { not_started: "Not started", in_progress: "In progress", paused: "Paused", finished: "Finished", passed: "Met the threshold", failed: "Below the threshold", absent: "Absent" } },
};
let language = localStorage.getItem("casn.board.language") || "id";
let previous = new Map();

const room = new URLSearchParams(location.search).get("room") || "";
$("room").textContent = room;

$("language").addEventListener("click", () => {
  language = language === "id" ? "en" : "id";
  localStorage.setItem("casn.board.language", language);
  render();
});

const live = followBoard(`/api/boards/rooms/${room}/events`, () => render(), showDown, () => texts[language]);

function showDown(down) { $("down").hidden = !down; $("down").textContent = texts[language].down; }

function render() {
  const t = texts[language];
  const board = live.board;
  document.documentElement.lang = language;
  $("language").textContent = t.switchTo;
  $("title").textContent = board ? `${t.title} — ${board.examTitle}` : t.title;
  if (!$("down").hidden) showDown(true);
  if (!board) { $("freshness").textContent = t.waiting; return; }
  const heads = [t.rank, t.participant, t.name, ...board.sections, t.total, t.status];
  $("head").replaceChildren(...heads.map((h, i) => el("th", { className: i >= 3 && i < 3 + board.sections.length ? "section" : "" }, h)));
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
  live.tick();
}

render();
