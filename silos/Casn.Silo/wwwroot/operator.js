// A Kanreg operator's overview, refreshed every 5 s. The token stays in this tab (sessionStorage);
// the Orleans dashboard, a browser page, reads it from a cookie limited to /dashboard.
"use strict";

const $ = (id) => document.getElementById(id);
const text = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
$("token").value = sessionStorage.getItem("casn.operator-token") || "";
$("region").value = sessionStorage.getItem("casn.operator-region") || $("region").value;
let timer = null;

async function refresh() {
  const region = $("region").value.trim();
  const response = await fetch("/api/operations/" + encodeURIComponent(region), { headers: { authorization: "Bearer " + $("token").value.trim() } })
    .catch(() => null);
  const data = response ? await response.json().catch(() => ({})) : {};
  if (!response || !response.ok) {
    $("message").textContent = !response ? "Server tidak terjangkau; mencoba lagi." :
      response.status === 401 ? "Token tidak berlaku." : response.status === 403 ? "Token ini bukan untuk Kanreg ini." : (data.detail || "Gagal memuat.");
    $("message").hidden = false;
    return;
  }
  $("message").hidden = true;
  const t = data.totals;
  const faces = Object.entries(t.incidents).filter(([k]) => k.startsWith("face")).map(([k, v]) => `${k.replace("face_check:", "")}: ${v}`).join(", ");
  $("totals").innerHTML = [["Ruang dibuka", `${t.roomsOpen}/${t.rooms}`], ["Hadir", `${t.checkedIn}/${t.rostered}`], ["Sedang ujian", t.inProgress],
    ["Dijeda", t.paused], ["Selesai", t.finished]].map(([k, v]) => `<div>${k}<b>${text(v)}</b></div>`).join("") +
    `<div>Cek wajah<br><span class="muted">${text(faces || "—")}</span></div>`;
  $("silos").innerHTML = data.silos.map((s) => `<tr class="${s.region === data.region ? "own" : ""}"><td>${text(s.name)} <span class="muted">${text(s.address)}</span></td>` +
    `<td>${text(s.status)}</td><td>${text(s.region || "semua")}</td><td>${new Date(s.startedAt).toLocaleTimeString("id-ID")}</td></tr>`).join("");
  $("rooms").innerHTML = data.rooms.map((r) => {
    const faceChecks = Object.entries(r.room.incidentsByKind).filter(([k]) => k.startsWith("face")).map(([k, v]) => `${k.replace("face_check:", "")} ${v}`).join(", ");
    return `<tr><td>${text(r.room.name)} <span class="muted">${text(r.room.roomKey)}</span></td><td>${text(r.room.status)}</td><td>${r.room.rostered}</td>` +
      `<td>${r.room.checkedIn}</td><td>${r.inProgress}</td><td>${r.paused}</td><td>${r.finished}</td><td>${text(faceChecks || "—")}</td>` +
      `<td><a href="/board.html?room=${encodeURIComponent(r.room.roomKey)}" target="_blank" rel="noopener">papan</a></td></tr>`;
  }).join("");
  $("incidents").innerHTML = data.recentIncidents.map((i) => `<tr><td>${new Date(i.at).toLocaleTimeString("id-ID")}</td><td>${text(i.participantNo)}</td>` +
    `<td>${text(i.kind)}</td><td>${text(i.by)}</td><td>${text(i.reason)}</td></tr>`).join("");
  $("updated").textContent = "Diperbarui " + new Date(data.at).toLocaleTimeString("id-ID");
  $("overview").hidden = false;
}

$("setup").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("casn.operator-token", $("token").value.trim());
  sessionStorage.setItem("casn.operator-region", $("region").value.trim());
  clearInterval(timer);
  refresh();
  timer = setInterval(refresh, 5000);
});

$("dashboard").addEventListener("click", () => {
  document.cookie = `casn_staff=${encodeURIComponent($("token").value.trim())}; path=/dashboard; SameSite=Strict`;
  window.open("/dashboard", "_blank", "noopener");
});
