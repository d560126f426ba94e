// The proctor's console for one room. The token arrives in the link's fragment (never sent to a server,
// never in a log), is kept in this tab's sessionStorage and goes out only as an Authorization header.
// The seat grid follows the room's live stream (/events): the room view once, then only what changed.
"use strict";

const $ = (id) => document.getElementById(id);

const texts = {
  id: {
    title: "Konsol Pengawas", openRoom: "Buka ruang", closeRoom: "Tutup ruang", report: "Berita acara", switchTo: "English",
    signInTitle: "Masuk sebagai pengawas", signInHelp: "Buka tautan pengawas dari operator Kanreg (atau pindai kode QR-nya). Tautan berlaku untuk satu ruang.",
    seats: "Kursi", legend: "Pilih kursi untuk bertindak. Merah: perlu keputusan.", desk: "Meja check-in", participant: "No. peserta",
    cameraOn: "Nyalakan kamera", checkIn: "Ambil foto & cek wajah", pinFor: "PIN untuk", printPin: "Cetak slip PIN",
    registration: "Foto pendaftaran", captured: "Foto sekarang", evidence: "Foto saat ujian", retake: "Ambil ulang",
    manual: "Check-in manual", refuse: "Tolak", reason: "Alasan (wajib)", reasonHelp: "Setiap keputusan (check-in manual, jeda, lanjut, buka/tutup ruang) tercatat dengan alasan ini.", minutes: "Menit tambahan", resume: "Lanjutkan",
    extend: "Tambah waktu", suspend: "Jeda", approveLogin: "Setujui login", newPin: "PIN baru", disqualify: "Diskualifikasi",
    standIn: "Joki: diskualifikasi & laporkan", confirmStandIn: "Laporkan sebagai joki? Peserta didiskualifikasi (atau ditolak masuk) dan kasusnya dikirim ke operator nasional.",
    standInReported: "Kasus joki dilaporkan ke operator nasional.",
    events: "Riwayat", incidents: "Kejadian", reportTitle: "Berita Acara Pelaksanaan Ujian", reportAttendance: "Daftar hadir",
    reportIncidents: "Kejadian dan keputusan", reportProctor: "Pengawas", colSeat: "Kursi", colParticipant: "No. peserta", colName: "Nama",
    colStatus: "Status", colAnswered: "Dijawab", colTime: "Waktu", colKind: "Jenis", colBy: "Oleh", colReason: "Keterangan",
    status: { "not-arrived": "Belum hadir", "checked-in": "Sudah check-in", "in-progress": "Mengerjakan", "contact-lost": "Kontak terputus",
      suspended: "Dijeda", finished: "Selesai", absent: "Tidak hadir" },
    roomStatus: { Scheduled: "Terjadwal", Open: "Dibuka", Closed: "Ditutup" },
    counts: (a) => [["Terdaftar", a.rostered], ["Hadir", a.rostered - a.absent], ["Mengerjakan", a.inProgress], ["Dijeda", a.suspended], ["Selesai", a.finished]],
    answered: (n, of) => `${n}/${of} dijawab`, contactAgo: (s) => s < 30 ? "kontak < 30 dtk" : `kontak ${Math.round(s)} dtk lalu`,
    noContact: "belum ada kontak", alerts: { "face-mismatch": "Wajah berbeda", "face-missing": "Wajah tidak terlihat", "pin-failures": "PIN salah",
      relogin: "Minta login ulang", "contact-lost": "Kontak terputus" },
    verified: (s) => `Wajah cocok (kemiripan ${s}). Berikan PIN ini kepada peserta.`,
    mismatch: (s) => `Wajah TIDAK cocok dengan foto pendaftaran (kemiripan ${s}). Ambil ulang, check-in manual dengan alasan, atau tolak.`,
    retakeBecause: (d) => `Ambil foto ulang: ${d}`, replay: "Kamera diperlihatkan foto pendaftaran. Hanya check-in manual (tercatat) yang dapat dilakukan.",
    needParticipant: "Isi nomor peserta dulu.", needReason: "Isi alasan dulu: setiap keputusan tercatat dengan alasannya.",
    cameraFailed: "Kamera tidak dapat dibuka. Periksa izin kamera, atau lakukan check-in manual.", noCamera: "Nyalakan kamera dulu.",
    done: (what) => `${what}: berhasil.`, refused: "Peserta ditolak; tercatat dalam berita acara.", unreachable: "Server tidak terjangkau; mencoba lagi…",
    tokenInvalid: "Token pengawas tidak berlaku atau sudah habis. Minta tautan baru dari operator.", forbidden: "Token ini bukan untuk ruang ini.",
    confirmClose: "Tutup ruang? Semua sesi yang masih berjalan akan diserahkan.", confirmDisqualify: "Diskualifikasi peserta ini?",
    face: { verified: "wajah cocok", mismatch: "wajah berbeda", missing: "wajah tidak terlihat", unchecked: "wajah belum dicek" },
    facts: { status: "Status", seat: "Kursi", answered: "Dijawab", left: "Sisa waktu", workstation: "Komputer", face: "Wajah", pins: "PIN salah", relogin: "Login ulang diminta dari" },
    room: "Ruang", exam: "Ujian", startsAt: "Mulai", printedAt: "Dicetak",
  },
  en: {
    title: "Proctor console", openRoom: "Open room", closeRoom: "Close room", report: "Room report", switchTo: "Bahasa Indonesia",
    signInTitle: "Sign in as proctor", signInHelp: "Open the proctor link from the Kanreg operator (or scan its QR code). A link is for one room.",
    seats: "Seats", legend: "Choose a seat to act. Red: needs a decision.", desk: "Check-in desk", participant: "Participant no.",
    cameraOn: "Start camera", checkIn: "Capture & check face", pinFor: "PIN for", printPin: "Print PIN slip",
    registration: "Registration photo", captured: "Capture now", evidence: "Capture in exam", retake: "Retake",
    manual: "Check in by hand", refuse: "Refuse", reason: "Reason (required)", reasonHelp: "Every decision (manual check-in, suspend, resume, opening or closing the room) is recorded with this reason.", minutes: "Extra minutes", resume: "Resume",
    extend: "Extend time", suspend: "Suspend", approveLogin: "Approve login", newPin: "New PIN", disqualify: "Disqualify",
    standIn: "Stand-in: disqualify & report", confirmStandIn: "Report as a stand-in? The candidate is disqualified (or turned away) and the case goes to the national operator.",
    standInReported: "Stand-in case reported to the national operator.",
    events: "History", incidents: "Incidents", reportTitle: "Room report (berita acara)", reportAttendance: "Attendance",
    reportIncidents: "Incidents and decisions", reportProctor: "Proctor", colSeat: "Seat", colParticipant: "Participant no.", colName: "Name",
    colStatus: "Status", colAnswered: "Answered", colTime: "Time", colKind: "Kind", colBy: "By", colReason: "Details",
    status: { "not-arrived": "Not arrived", "checked-in": "Checked in", "in-progress": "In progress", "contact-lost": "Contact lost",
      suspended: "Suspended", finished: "Finished", absent: "Absent" },
    roomStatus: { Scheduled: "Scheduled", Open: "Open", Closed: "Closed" },
    counts: (a) => [["Rostered", a.rostered], ["Present", a.rostered - a.absent], ["In progress", a.inProgress], ["Suspended", a.suspended], ["Finished", a.finished]],
    answered: (n, of) => `${n}/${of} answered`, contactAgo: (s) => s < 30 ? "contact < 30 s" : `contact ${Math.round(s)} s ago`,
    noContact: "no contact yet", alerts: { "face-mismatch": "Different face", "face-missing": "No face seen", "pin-failures": "Wrong PINs",
      relogin: "Asks to log in again", "contact-lost": "Contact lost" },
    verified: (s) => `Face matches (similarity ${s}). Give this PIN to the candidate.`,
    mismatch: (s) => `The face does NOT match the registration photo (similarity ${s}). Retake, check in by hand with a reason, or refuse.`,
    retakeBecause: (d) => `Take the photo again: ${d}`, replay: "The camera was shown the registration photo. Only a manual check-in (recorded) is possible.",
    needParticipant: "Enter the participant number first.", needReason: "Enter a reason first: every decision is recorded with its reason.",
    cameraFailed: "The camera could not be opened. Check the camera permission, or check in by hand.", noCamera: "Start the camera first.",
    done: (what) => `${what}: done.`, refused: "Candidate refused; recorded in the room report.", unreachable: "Server unreachable; retrying…",
    tokenInvalid: "The proctor token is not valid or has expired. Ask the operator for a new link.", forbidden: "This token is not for this room.",
    confirmClose: "Close the room? Every sitting still open will be submitted.", confirmDisqualify: "Disqualify this candidate?",
    face: { verified: "face matches", mismatch: "different face", missing: "no face seen", unchecked: "face not checked" },
    facts: { status: "Status", seat: "Seat", answered: "Answered", left: "Time left", workstation: "Workstation", face: "Face", pins: "Wrong PINs", relogin: "Re-login asked from" },
    room: "Room", exam: "Exam", startsAt: "Starts", printedAt: "Printed",
  },
};

let language = localStorage.getItem("casn.proctor.language") || "id";
const t = () => texts[language];

// ---- sign-in: the link's fragment carries #token=…&room=… ----
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("token") && fragment.get("room")) {
  sessionStorage.setItem("casn.proctor.token", fragment.get("token"));
  sessionStorage.setItem("casn.proctor.room", fragment.get("room"));
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem("casn.proctor.token") || "";
const roomKey = sessionStorage.getItem("casn.proctor.room") || "";
const roomPath = "/api/rooms/" + roomKey.split("/").map(encodeURIComponent).join("/");
const headers = () => ({ authorization: "Bearer " + token });
const proctorName = (() => {
  try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).name || ""; } catch { return ""; }
})();

// ---- the room as last seen ----
const room = { view: null, seats: new Map(), incidents: [], status: "", attendance: null, offsetMs: 0 };
const tiles = new Map();
let selected = null;
const serverNow = () => Date.now() - room.offsetMs;

function seatState(line) {
  switch (line.status) {
    case "Registered": return "not-arrived";
    case "CheckedIn": return "checked-in";
    case "InProgress": return line.contactLost || line.awaitingProctor ? "contact-lost" : "in-progress";
    case "Suspended": return "suspended";
    default: return line.finishReason === "Absent" ? "absent" : "finished";
  }
}

function seatAlerts(line) {
  const alerts = [];
  if (line.status === "Finished") return alerts;
  if (line.face === "mismatch") alerts.push("face-mismatch");
  else if (line.face === "missing" && line.status === "Suspended") alerts.push("face-missing");
  if (line.pinFailures >= 5) alerts.push("pin-failures");
  if (line.reloginRequest) alerts.push("relogin");
  if (line.awaitingProctor || line.contactLost) alerts.push("contact-lost");
  return alerts;
}

function remainingMs(line) {
  return line.clockRunning ? Math.max(0, line.remainingMs - (serverNow() - Date.parse(line.asOf))) : line.remainingMs;
}

const clockText = (ms) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};

function contactText(line) {
  if (!line.lastContact) return t().noContact;
  return t().contactAgo(Math.max(0, (serverNow() - Date.parse(line.lastContact)) / 1000));
}

// ---- rendering: tiles are kept and updated in place, so focus and selection survive updates ----
function tileFor(line) {
  let tile = tiles.get(line.participantNo);
  if (!tile) {
    tile = el("button", { type: "button", className: "tile", "data-participant": line.participantNo },
      el("span", { className: "seat-no" }), el("span", { className: "who" }), el("span", { className: "name" }),
      el("span", { className: "state" }), el("span", { className: "answered" }), el("span", { className: "left" }),
      el("span", { className: "contact" }), el("span", { className: "alerts" }));
    tile.addEventListener("click", () => select(line.participantNo));
    tiles.set(line.participantNo, tile);
  }
  return tile;
}

function renderTile(line) {
  const tile = tileFor(line);
  const state = seatState(line);
  const alerts = seatAlerts(line);
  tile.dataset.status = state;
  tile.dataset.answered = String(line.answered);
  tile.dataset.alert = alerts.join(" ");
  tile.classList.toggle("problem", alerts.length > 0 || state === "suspended");
  tile.classList.toggle("selected", selected === line.participantNo);
  tile.querySelector(".seat-no").textContent = line.seat;
  tile.querySelector(".who").textContent = line.participantNo;
  tile.querySelector(".name").textContent = line.name;
  tile.querySelector(".state").textContent = t().status[state];
  tile.querySelector(".answered").textContent = t().answered(line.answered, line.itemCount);
  renderClock(tile, line);
  tile.querySelector(".alerts").textContent = alerts.map((a) => t().alerts[a]).join(" · ");
}

function renderGrid() {
  const lines = [...room.seats.values()].sort((a, b) => a.seat.localeCompare(b.seat, "en", { numeric: true }));
  lines.forEach(renderTile);
  $("grid").replaceChildren(...lines.map((l) => tiles.get(l.participantNo)));
  $("arrivals").replaceChildren(...lines.filter((l) => l.status === "Registered").map((l) => el("option", { value: l.participantNo }, `${l.seat} ${l.name}`)));
}

function renderRoom() {
  const a = room.attendance;
  $("attendance").replaceChildren(...t().counts(a).map(([label, n]) => el("div", null, el("b", null, n), label)));
  $("room-status").textContent = t().roomStatus[room.status] || room.status;
  $("room-status").dataset.roomStatus = room.status;
  $("open-room").disabled = room.status !== "Scheduled";
  $("close-room").disabled = room.status !== "Open";
  $("incidents").replaceChildren(...room.incidents.slice(-100).reverse().map(incidentItem));
  renderVerdict();
}

function incidentItem(i) {
  return el("li", { "data-kind": i.kind },
    el("time", null, new Date(i.at).toLocaleTimeString(language === "id" ? "id-ID" : "en-GB")), " ",
    el("b", null, i.participantNo || t().room), " ", i.kind, i.outcome ? ` (${i.outcome})` : "", " — ", i.by, ": ", i.reason);
}

/** The parts of a tile that move with time alone: time left and time since last contact. */
function renderClock(tile, line) {
  tile.querySelector(".left").textContent = line.status === "Registered" || line.status === "Finished" ? "" : clockText(remainingMs(line));
  tile.querySelector(".contact").textContent = line.status === "InProgress" || line.status === "Suspended" ? contactText(line) : "";
}

function tick() {
  for (const line of room.seats.values()) {
    const tile = tiles.get(line.participantNo);
    if (tile) renderClock(tile, line);
  }
  if (selected) renderFacts();
}

function applyView(view) {
  room.view = view;
  room.seats = new Map(view.seats.map((s) => [s.participantNo, s]));
  room.incidents = view.incidents;
  room.status = view.status;
  room.attendance = view.attendance;
  room.offsetMs = Date.now() - Date.parse(view.serverTime);
  $("room-name").textContent = view.setup.name;
  $("room-key").textContent = `${view.roomKey} · ${view.setup.examId}`;
  for (const participant of [...tiles.keys()]) if (!room.seats.has(participant)) tiles.delete(participant);
  renderGrid();
  renderRoom();
  if (selected) renderSeatPanel();
}

function applyChanges(changes) {
  room.offsetMs = Date.now() - Date.parse(changes.serverTime);
  for (const line of changes.seats) room.seats.set(line.participantNo, line);
  for (const gone of changes.removed) { room.seats.delete(gone); tiles.delete(gone); }
  room.incidents.push(...changes.incidents);
  room.status = changes.status;
  room.attendance = changes.attendance;
  if (changes.removed.length > 0 || changes.seats.some((s) => !tiles.has(s.participantNo))) renderGrid();
  else changes.seats.forEach(renderTile);
  renderRoom();
  if (selected && (changes.seats.some((s) => s.participantNo === selected) || changes.incidents.some((i) => i.participantNo === selected))) renderSeatPanel();
}

// ---- the live stream: fetch, so that the token travels in a header (EventSource cannot send one) ----
async function follow() {
  for (;;) {
    try {
      const response = await fetch(roomPath + "/events", { headers: headers(), cache: "no-store" });
      if (response.status === 401 || response.status === 403) {
        showMessage(response.status === 401 ? t().tokenInvalid : t().forbidden);
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      $("down").hidden = true;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Fall through: show it and try again.
    }
    $("down").textContent = t().unreachable;
    $("down").hidden = false;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function handleEvent(block) {
  let name = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (name === "view") applyView(payload);
  else if (name === "changes") applyChanges(payload);
  else if (name === "alive") room.offsetMs = Date.now() - Date.parse(payload.serverTime);
  $("console").dataset.version = String(payload.version ?? $("console").dataset.version ?? "");
}

// ---- calls ----
async function call(method, path, body, contentType) {
  const init = { method, headers: headers(), cache: "no-store" };
  if (body !== undefined) {
    init.body = contentType ? body : JSON.stringify(body);
    init.headers["content-type"] = contentType || "application/json";
  }
  const response = await fetch(roomPath + path, init).catch(() => null);
  if (!response) return { ok: false, status: 0, problem: { detail: t().unreachable } };
  const data = await response.json().catch(() => ({}));
  return response.ok ? { ok: true, data } : { ok: false, status: response.status, problem: data };
}

function showMessage(text, ok) {
  $("message").textContent = text;
  $("message").classList.toggle("ok", !!ok);
  $("message").hidden = !text;
}

const reason = () => $("reason").value.trim();

/** Every decision is recorded with its reason: without one, say so and put the cursor there. */
function reasonMissing() {
  if (reason()) return false;
  showMessage(t().needReason);
  $("reason").focus();
  return true;
}

// ---- the check-in desk ----
let stream = null;
async function startCamera() {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    $("camera").srcObject = stream;
    $("camera").dataset.live = "true";
  } catch {
    showMessage(t().cameraFailed);
  }
}

function captureJpeg() {
  const video = $("camera");
  const canvas = $("capture");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.92));
}

function deskParticipant() {
  const participant = $("desk-participant").value.trim();
  if (!participant) showMessage(t().needParticipant);
  return participant;
}

// What the desk shows, so that the similarity fills in when the face check's incident arrives on the stream.
let desk = null;

function showDesk(result, participant) {
  desk = { result, participant };
  renderVerdict();
  $("desk-result").hidden = false;
  $("desk-result").dataset.result = result;
  $("pin-slip").hidden = result !== "verified" && result !== "pin";
  $("compare").hidden = result !== "mismatch";
  $("desk-decide").hidden = result === "verified" || result === "pin";
  $("retake").hidden = result === "replay";
}

function showPin(participant, pin) {
  $("pin").textContent = pin;
  $("pin").dataset.pin = pin;
  $("pin-participant").textContent = participant;
  $("slip-room").textContent = `${room.view?.setup.name || ""} · ${roomKey}`;
  $("slip-participant").textContent = `${participant} ${room.seats.get(participant)?.name || ""}`;
  $("slip-pin").textContent = pin;
}

async function checkInByFace() {
  const participant = deskParticipant();
  if (!participant) return;
  if (!stream) { showMessage(t().noCamera); return; }
  const jpeg = await captureJpeg();
  $("capture-photo").src = URL.createObjectURL(jpeg);
  const path = `/checkins/${encodeURIComponent(participant)}/face`;
  const result = await call("POST", path, jpeg, "image/jpeg");
  showMessage("");
  if (result.ok) {
    showPin(participant, result.data.pin);
    showDesk("verified", participant);
    return;
  }
  const code = result.problem.code || "";
  if (code === "checkin.face_mismatch") {
    showDesk("mismatch", participant);
    await showImage($("registration-photo"), participant, "registration");
  } else if (code === "checkin.face_replay") {
    showDesk("replay", participant);
  } else if (code === "checkin.face_retake") {
    showDesk("retake", participant);
    desk.detail = result.problem.detail || "";
    renderVerdict();
  } else {
    $("desk-result").hidden = true;
    showMessage(result.problem.detail || result.problem.title || code);
  }
}

function renderVerdict() {
  if (!desk) return;
  const similarity = similarityOf(desk.participant) ?? "…";
  $("desk-verdict").textContent = {
    verified: () => t().verified(similarity), mismatch: () => t().mismatch(similarity), replay: () => t().replay,
    retake: () => t().retakeBecause(desk.detail || ""), pin: () => desk.detail || "",
  }[desk.result]();
}

/** The similarity of the candidate's latest face check, from the room's own incidents (typed, not parsed from text). */
function similarityOf(participant) {
  const check = [...room.incidents].reverse().find((i) => i.participantNo === participant && i.kind === "face_check");
  return check && typeof check.similarity === "number" ? check.similarity.toFixed(3) : null;
}

async function showImage(img, participant, image) {
  const response = await fetch(`${roomPath}/candidates/${encodeURIComponent(participant)}/faces/${encodeURIComponent(image)}`, { headers: headers(), cache: "no-store" })
    .catch(() => null);
  img.src = response && response.ok ? URL.createObjectURL(await response.blob()) : "";
}

async function checkInByHand(participant, kind) {
  if (!participant) return;
  if (reasonMissing()) return;
  const result = await call("POST", "/checkins", { participantNo: participant, method: "manual", proctor: { reason: reason() } });
  if (!result.ok) { showMessage(result.problem.detail || result.problem.code); return; }
  showMessage("");
  showPin(participant, result.data.pin);
  showDesk("pin", participant);
  desk.detail = kind;
  renderVerdict();
  $("reason").value = "";
}

async function refuse() {
  const participant = deskParticipant();
  if (!participant) return;
  if (reasonMissing()) return;
  const result = await call("POST", `/checkins/${encodeURIComponent(participant)}/refuse`, { reason: reason() });
  if (!result.ok) { showMessage(result.problem.detail || result.problem.code); return; }
  showMessage(t().refused, true);
  $("desk-result").hidden = true;
  $("reason").value = "";
}

// ---- a chosen seat: facts, events, evidence and decisions ----
function select(participant) {
  selected = participant;
  for (const [p, tile] of tiles) tile.classList.toggle("selected", p === participant);
  $("seat-panel").hidden = false;
  $("seat-panel").dataset.participant = participant;
  if (room.seats.get(participant)?.status === "Registered") $("desk-participant").value = participant;
  renderSeatPanel();
}

let seatRequest = 0;
async function renderSeatPanel() {
  const line = room.seats.get(selected);
  if (!line) { $("seat-panel").hidden = true; return; }
  $("seat-title").textContent = `${line.seat} · ${line.participantNo} · ${line.name}`;
  renderFacts();
  const request = ++seatRequest;
  const sitting = await call("GET", `/candidates/${encodeURIComponent(selected)}`);
  if (request !== seatRequest || !sitting.ok) return;
  $("seat-events").replaceChildren(...sitting.data.events.slice().reverse().map((e) =>
    el("li", { "data-kind": e.kind }, el("time", null, new Date(e.at).toLocaleTimeString(language === "id" ? "id-ID" : "en-GB")), " ", e.kind, " — ", e.by, ": ", e.detail)));
  const faceIncident = [...room.incidents].reverse().find((i) => i.participantNo === selected && i.evidence);
  $("evidence").hidden = !faceIncident || !(line.face === "mismatch" || line.face === "missing");
  if (!$("evidence").hidden) {
    await showImage($("evidence-registration"), selected, "registration");
    await showImage($("evidence-capture"), selected, faceIncident.evidence);
  }
}

function renderFacts() {
  const line = room.seats.get(selected);
  if (!line) return;
  const f = t().facts;
  const facts = [[f.status, t().status[seatState(line)]], [f.seat, line.seat], [f.answered, `${line.answered}/${line.itemCount}`],
    [f.left, clockText(remainingMs(line))], [f.workstation, line.workstationId || "—"], [f.face, t().face[line.face] || line.face],
    [f.pins, line.pinFailures]];
  if (line.reloginRequest) facts.push([f.relogin, line.reloginRequest.workstationId]);
  $("seat-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  const can = {
    resume: line.status === "Suspended" || line.awaitingProctor,
    extend: line.status === "InProgress" || line.status === "Suspended" || line.status === "CheckedIn",
    suspend: line.status === "InProgress",
    "approve-login": !!line.reloginRequest,
    "new-pin": line.status !== "Registered" && line.status !== "Finished",
    disqualify: line.status !== "Registered" && line.status !== "Finished",
    "disqualify-stand-in": line.status !== "Finished",
  };
  for (const button of $("seat-panel").querySelectorAll("button[data-action]")) button.disabled = !can[button.dataset.action];
}

async function decide(action) {
  const participant = selected;
  if (!participant) return;
  if (action === "new-pin") { await checkInByHand(participant, t().newPin); return; }
  if (reasonMissing()) return;
  if (action === "disqualify" && !confirm(t().confirmDisqualify)) return;
  if (action === "disqualify-stand-in" && !confirm(t().confirmStandIn)) return;
  const body = action === "extend" ? { minutes: Number($("minutes").value), reason: reason() } : { reason: reason() };
  const route = action === "disqualify-stand-in" ? "stand-in" : action;
  const result = await call("POST", `/candidates/${encodeURIComponent(participant)}/${route}`, body);
  if (!result.ok) { showMessage(result.problem.detail || result.problem.code); return; }
  if (action === "disqualify-stand-in") { showMessage(t().standInReported, true); $("reason").value = ""; return; }
  showMessage(t().done(t()[{ resume: "resume", extend: "extend", suspend: "suspend", "approve-login": "approveLogin", disqualify: "disqualify" }[action]]), true);
  $("reason").value = "";
}

async function moveRoom(action) {
  if (reasonMissing()) return;
  if (action === "close" && !confirm(t().confirmClose)) return;
  const result = await call("POST", "/" + action, { reason: reason() });
  if (!result.ok) { showMessage(result.problem.detail || result.problem.code); return; }
  showMessage("");
  $("reason").value = "";
}

// ---- the room report (berita acara), printed from what the console already holds ----
function printReport() {
  const view = room.view;
  if (!view) return;
  const locale = language === "id" ? "id-ID" : "en-GB";
  $("report-facts").replaceChildren(...[[t().room, `${view.setup.name} (${roomKey})`], [t().exam, view.setup.examId],
    [t().startsAt, new Date(view.setup.startsAt).toLocaleString(locale)], [t().facts.status, t().roomStatus[room.status]],
    [t().printedAt, new Date().toLocaleString(locale)]].flatMap(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  const lines = [...room.seats.values()].sort((a, b) => a.seat.localeCompare(b.seat, "en", { numeric: true }));
  $("report-seats").replaceChildren(...lines.map((l) => el("tr", { "data-participant": l.participantNo },
    el("td", null, l.seat), el("td", null, l.participantNo), el("td", null, l.name), el("td", null, t().status[seatState(l)]),
    el("td", null, l.answered))));
  $("report-incidents").replaceChildren(...room.incidents.map((i) => el("tr", { "data-kind": i.kind },
    el("td", null, new Date(i.at).toLocaleTimeString(locale)), el("td", null, i.participantNo), el("td", null, i.kind + (i.outcome ? ` (${i.outcome})` : "")),
    el("td", null, i.by), el("td", null, i.reason))));
  $("report-proctor").textContent = proctorName;
  document.body.dataset.printing = "report";
  window.print();
}

function printSlip() {
  document.body.dataset.printing = "slip";
  window.print();
}

// ---- language ----
function applyLanguage() {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const text = t()[node.dataset.i18n];
    if (typeof text === "string") node.textContent = text;
  }
  $("language").textContent = t().switchTo;
  if (room.view) { renderGrid(); renderRoom(); if (selected) renderSeatPanel(); }
}

$("language").addEventListener("click", () => {
  language = language === "id" ? "en" : "id";
  localStorage.setItem("casn.proctor.language", language);
  applyLanguage();
});
$("camera-on").addEventListener("click", startCamera);
$("check-in").addEventListener("click", checkInByFace);
$("retake").addEventListener("click", checkInByFace);
$("check-in-manual").addEventListener("click", () => checkInByHand(deskParticipant(), t().manual));
$("refuse").addEventListener("click", refuse);
$("print-pin").addEventListener("click", printSlip);
$("open-room").addEventListener("click", () => moveRoom("open"));
$("close-room").addEventListener("click", () => moveRoom("close"));
$("report-button").addEventListener("click", printReport);
for (const button of $("seat-panel").querySelectorAll("button[data-action]")) button.addEventListener("click", () => decide(button.dataset.action));

applyLanguage();
if (!token || !roomKey) {
  $("sign-in").hidden = false;
} else {
  $("console").hidden = false;
  follow();
  setInterval(tick, 1000);
}
