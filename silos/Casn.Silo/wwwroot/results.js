// The public announcement of one position: the signed rows as a table, searchable by participant number and printable.
// Everything shown comes from the signed announcement (GET …/announcements/latest) and is put on the page as text.
"use strict";

const $ = (id) => document.getElementById(id);
const statuses = { passed: "Memenuhi ambang batas", failed: "Tidak memenuhi ambang batas", absent: "Tidak hadir", disqualified: "Didiskualifikasi" };
const params = new URLSearchParams(location.search);
const exam = params.get("exam") || "";
const position = params.get("position") || "";
const rowsByParticipant = new Map();

function say(text, kind) {
  $("message").textContent = text;
  $("message").className = kind || "";
  $("message").hidden = !text;
}

function rowOf(row, sections) {
  const scores = sections.map((_, i) => el("td", { className: "num" }, i < row.sectionScores.length ? row.sectionScores[i] : ""));
  const certificate = row.certificateCode
    ? el("a", { href: "certificate.html?code=" + encodeURIComponent(row.certificateCode) }, row.certificateCode)
    : "";
  const tr = el("tr", { "data-participant": row.participantNo, "data-status": row.status, "data-shortlisted": String(row.shortlisted) },
    el("td", { className: "num" }, row.rank ?? "-"), el("td", null, row.participantNo), el("td", null, row.name), ...scores,
    el("td", { className: "num total" }, row.total), el("td", null, statuses[row.status] || row.status),
    el("td", null, row.shortlisted ? "Lanjut SKB" : ""), el("td", { className: "mono" }, certificate));
  return tr;
}

function showAll() {
  for (const tr of rowsByParticipant.values()) { tr.hidden = false; tr.classList.remove("found"); }
  $("show-all").hidden = true;
  say("");
}

function find(participantNo) {
  const tr = rowsByParticipant.get(participantNo);
  history.replaceState(null, "", "?" + new URLSearchParams({ exam, position, ...(participantNo ? { participant: participantNo } : {}) }));
  if (!participantNo) { showAll(); return; }
  if (!tr) {
    showAll();
    say(`Nomor peserta ${participantNo} tidak ada dalam pengumuman ini.`, "error");
    return;
  }
  for (const other of rowsByParticipant.values()) { other.hidden = other !== tr; other.classList.toggle("found", other === tr); }
  $("show-all").hidden = false;
  const rank = tr.children[0].textContent;
  const status = (statuses[tr.dataset.status] || tr.dataset.status).toLowerCase();
  say(`Peserta ${participantNo}: ${rank === "-" ? "tanpa peringkat" : "peringkat " + rank}, ${status}` +
    (tr.dataset.shortlisted === "true" ? ", lanjut ke SKB." : "."), "found");
}

async function load() {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(exam) || !/^[A-Za-z0-9-]{1,64}$/.test(position)) {
    say("Alamat halaman ini tidak lengkap: ia memerlukan ?exam=…&position=….", "error");
    return;
  }
  const path = `/api/exams/${encodeURIComponent(exam)}/positions/${encodeURIComponent(position)}/announcements/latest`;
  const response = await fetch(path).catch(() => null);
  const data = response ? await response.json().catch(() => ({})) : {};
  if (!response || !response.ok) {
    say(data.code === "announcement.not_found" ? "Hasil formasi ini belum diumumkan." : "Pengumuman tidak dapat dimuat sekarang; coba lagi sebentar lagi.",
      "error");
    return;
  }
  document.title = `Pengumuman ${data.title} — ${data.agency}`;
  $("position").textContent = `${data.agency} — ${data.title} (${data.openings} formasi) · ujian ${data.examId}`;
  $("version").textContent = `Versi ${data.version}, diumumkan ${new Date(data.at).toLocaleString("id-ID")} · ${data.rows.length} peserta`;
  $("head").replaceChildren(...["Peringkat", "No. peserta", "Nama", ...data.sections, "Total", "Status", "SKB", "Kode sertifikat"]
    .map((label) => el("th", { scope: "col" }, label)));
  const rows = data.rows.map((row) => rowOf(row, data.sections));
  for (const tr of rows) rowsByParticipant.set(tr.dataset.participant, tr);
  $("body").replaceChildren(...rows);
  $("csv").href = path + "/csv";
  $("key").textContent = data.keyId;
  $("signature").textContent = data.signature;
  for (const id of ["rows", "actions", "signed"]) $(id).hidden = false;
  const wanted = params.get("participant");
  if (wanted) { $("participant").value = wanted; find(wanted.trim()); }
}

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  find($("participant").value.trim());
});
$("show-all").addEventListener("click", () => { $("participant").value = ""; find(""); });
$("print").addEventListener("click", () => window.print());
load();
