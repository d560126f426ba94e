// The public check of a receipt's code: what the service signed for it, printable with a QR code
// that leads back to this page.
"use strict";

const $ = (id) => document.getElementById(id);
const outcomes = { passed: "Memenuhi ambang batas", failed: "Tidak memenuhi ambang batas", ranked: "Peringkat (tanpa ambang batas)", absent: "Tidak hadir" };

async function show(code) {
  $("message").hidden = true;
  $("certificate").hidden = true;
  const response = await fetch("/api/certificates/" + encodeURIComponent(code));
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    $("message").textContent = data.code === "certificate.not_found" ? "Kode tidak ditemukan. Periksa kembali kodenya." : "Tidak dapat memeriksa sekarang; coba lagi.";
    $("message").hidden = false;
    return;
  }
  $("name").textContent = data.name;
  $("participant").textContent = data.participantNo;
  $("exam").textContent = data.examId;
  $("finished").textContent = new Date(data.finishedAt).toLocaleString("id-ID");
  $("cert-code").textContent = data.code;
  $("scores").replaceChildren(el("tr", null, el("th", null, "Subtes"), el("th", null, "Nilai")),
    ...data.sections.map((s) => el("tr", null, el("td", null, s.section), el("td", null, s.score))),
    el("tr", null, el("th", null, "Total"), el("th", { id: "total" }, data.total)));
  $("outcome").textContent = outcomes[data.outcome] || data.outcome;
  // The candidate's own row in their position's public announcement (the page says so when it is not announced yet).
  if (data.positionId) {
    $("results").href = "results.html?" + new URLSearchParams({ exam: data.examId, position: data.positionId, participant: data.participantNo });
  }
  $("results-link").hidden = !data.positionId;
  $("head").textContent = data.auditHead;
  $("key").textContent = data.keyId;
  $("signature").textContent = data.signature;
  // The QR code is an image of the service's own making, shown as an image: never parsed into the page.
  $("qr").replaceChildren(el("img", { src: `/api/certificates/${encodeURIComponent(data.code)}/qr.svg`, alt: "QR code" }));
  $("certificate").hidden = false;
}

$("check").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = $("code").value.trim().toUpperCase();
  history.replaceState(null, "", "?code=" + encodeURIComponent(code));
  show(code);
});
$("print").addEventListener("click", () => window.print());

const initial = new URLSearchParams(location.search).get("code");
if (initial) { $("code").value = initial; show(initial.toUpperCase()); }
