// A Kanreg operator's overview, refreshed every 5 s. The token stays in this tab (sessionStorage);
// the Orleans dashboard, a browser page, reads it from a cookie limited to /dashboard.
"use strict";

const $ = (id) => document.getElementById(id);
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
  const siloStates = { joining: "bergabung", active: "aktif", draining: "keluar" };
  const faces = Object.entries(t.incidents).filter(([k]) => k.startsWith("face")).map(([k, v]) => `${k.replace("face_check:", "")}: ${v}`).join(", ");
  $("totals").replaceChildren(
    ...[["Ruang dibuka", `${t.roomsOpen}/${t.rooms}`], ["Hadir", `${t.checkedIn}/${t.rostered}`], ["Sedang ujian", t.inProgress],
      ["Dijeda", t.paused], ["Selesai", t.finished]].map(([k, v]) => el("div", null, k, el("b", null, v))),
    el("div", null, "Cek wajah", el("br"), el("span", { className: "muted" }, faces || "—")));
  $("silos").replaceChildren(...data.silos.map((s) => el("tr", { className: s.region === data.region ? "own" : "", "data-state": s.state },
    el("td", null, s.name, " ", el("span", { className: "muted" }, s.address)), el("td", { className: "state" }, siloStates[s.state] || s.state),
    el("td", null, s.status), el("td", null, s.region || "semua"), el("td", null, s.sittings),
    el("td", null, s.share === null ? "—" : `${Math.round(s.share * 100)}%`),
    el("td", null, new Date(s.startedAt).toLocaleTimeString("id-ID")))));
  $("rooms").replaceChildren(...data.rooms.map((r) => {
    const faceChecks = Object.entries(r.room.incidentsByKind).filter(([k]) => k.startsWith("face")).map(([k, v]) => `${k.replace("face_check:", "")} ${v}`).join(", ");
    return el("tr", null, el("td", null, r.room.name, " ", el("span", { className: "muted" }, r.room.roomKey)), el("td", null, r.room.status),
      el("td", null, r.room.rostered), el("td", null, r.room.checkedIn), el("td", null, r.inProgress), el("td", null, r.paused),
      el("td", null, r.finished), el("td", null, faceChecks || "—"),
      el("td", null, el("a", { href: "/board.html?room=" + encodeURIComponent(r.room.roomKey), target: "_blank", rel: "noopener" }, "papan"), " ",
        proctorLinkButton(r.room.roomKey)));
  }));
  $("incidents").replaceChildren(...data.recentIncidents.map((i) => el("tr", null, el("td", null, new Date(i.at).toLocaleTimeString("id-ID")),
    el("td", null, i.participantNo), el("td", null, i.kind), el("td", null, i.by), el("td", null, i.reason))));
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

// The server sets the dashboard's cookie (HttpOnly: no script, this one included, can read it back).
$("dashboard").addEventListener("click", async () => {
  const response = await fetch("/api/operations/dashboard-session", { method: "POST", headers: { authorization: "Bearer " + $("token").value.trim() } })
    .catch(() => null);
  if (!response || !response.ok) {
    $("message").textContent = response && response.status === 403 ? "Dasbor Orleans hanya untuk operator nasional." : "Dasbor tidak dapat dibuka.";
    $("message").hidden = false;
    return;
  }
  window.open("/dashboard", "_blank", "noopener");
});

// ---- a proctor's link: the token travels in the fragment, which the browser never sends to a server ----
function proctorLinkButton(roomKey) {
  const button = el("button", { type: "button", "data-action": "proctor-link", "data-room": roomKey }, "pengawas");
  button.addEventListener("click", () => { $("link-room").value = roomKey; $("link-proctor-id").focus(); });
  return button;
}

$("proctor-link-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const room = $("link-room").value.trim();
  const path = "/api/rooms/" + room.split("/").map(encodeURIComponent).join("/") + "/proctors";
  const response = await fetch(path, {
    method: "POST",
    headers: { authorization: "Bearer " + $("token").value.trim(), "content-type": "application/json" },
    body: JSON.stringify({ proctorId: $("link-proctor-id").value.trim(), name: $("link-proctor-name").value.trim(), hours: Number($("link-hours").value) }),
  }).catch(() => null);
  const data = response ? await response.json().catch(() => ({})) : {};
  if (!response || !response.ok) {
    $("message").textContent = !response ? "Server tidak terjangkau." : (data.detail || "Tautan tidak dapat diterbitkan.");
    $("message").hidden = false;
    return;
  }
  $("message").hidden = true;
  const link = `${location.origin}/proctor.html#token=${encodeURIComponent(data.token)}&room=${encodeURIComponent(data.room)}`;
  $("proctor-link-url").value = link;
  $("proctor-link-expires").textContent = "Berlaku sampai " + new Date(data.expiresAt).toLocaleString("id-ID");
  drawQr($("proctor-qr"), link);
  $("proctor-link").hidden = false;
});

$("copy-proctor-link").addEventListener("click", () => {
  $("proctor-link-url").select();
  navigator.clipboard?.writeText($("proctor-link-url").value).catch(() => {});
});

/** Draws the link as a QR code (error correction L: a long link still fits a version a phone reads off a screen). */
function drawQr(canvas, text) {
  const qr = qrcode(0, "L");
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const quiet = 4;
  const scale = Math.max(1, Math.floor(264 / (count + 2 * quiet)));
  const size = (count + 2 * quiet) * scale;
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, size, size);
  context.fillStyle = "#000";
  for (let row = 0; row < count; row++)
    for (let col = 0; col < count; col++)
      if (qr.isDark(row, col)) context.fillRect((col + quiet) * scale, (row + quiet) * scale, scale, scale);
  canvas.dataset.qr = String(count);
}

// ---- stand-in cases: a national operator confirms (the NIK is then blocked) or dismisses what proctors reported ----
async function loadStandIns() {
  const response = await fetch("/api/stand-in-cases", { headers: { authorization: "Bearer " + $("token").value.trim() }, cache: "no-store" }).catch(() => null);
  if (!response || !response.ok) {
    $("message").textContent = response && response.status === 403 ? "Kasus joki hanya untuk operator nasional." : "Kasus joki tidak dapat dimuat.";
    $("message").hidden = false;
    return;
  }
  $("message").hidden = true;
  const register = await response.json();
  $("stand-ins").replaceChildren(...register.cases.slice().reverse().map((c) => {
    const decided = c.status !== "reported";
    const actions = decided ? el("td", null, `${c.decidedBy}: ${c.decisionReason}`) : el("td", null,
      decideButton(c, "confirm", "Konfirmasi"), " ", decideButton(c, "dismiss", "Tolak"));
    return el("tr", { "data-session": c.sessionKey, "data-status": c.status },
      el("td", null, new Date(c.reportedAt).toLocaleString("id-ID")), el("td", null, c.participantNo), el("td", null, c.roomKey),
      el("td", null, c.reportedBy), el("td", null, c.reason), el("td", null, c.status), actions);
  }));
}

function decideButton(standIn, decision, label) {
  const button = el("button", { type: "button", "data-action": `${decision}-stand-in` }, label);
  button.addEventListener("click", async () => {
    const reason = $("stand-in-reason").value.trim();
    if (!reason) {
      $("message").textContent = "Isi alasan keputusan dulu.";
      $("message").hidden = false;
      $("stand-in-reason").focus();
      return;
    }
    const path = "/api/stand-in-cases/" + standIn.sessionKey.split("/").map(encodeURIComponent).join("/") + "/" + decision;
    const response = await fetch(path, {
      method: "POST",
      headers: { authorization: "Bearer " + $("token").value.trim(), "content-type": "application/json" },
      body: JSON.stringify({ reason }),
    }).catch(() => null);
    const data = response ? await response.json().catch(() => ({})) : {};
    if (!response || !response.ok) {
      $("message").textContent = data.detail || "Keputusan tidak dapat disimpan.";
      $("message").hidden = false;
      return;
    }
    $("stand-in-reason").value = "";
    loadStandIns();
  });
  return button;
}

$("load-stand-ins").addEventListener("click", loadStandIns);
