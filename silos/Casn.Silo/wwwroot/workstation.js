// The candidate's workstation. Every answer gets a sequence number and stays "pending" (yellow) until
// the server acknowledges that it is stored; unacknowledged answers are resent, and the server treats
// a resend as a replay, so nothing is lost or doubled by a flaky network.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { base: "", token: "", paper: null, current: 0, answers: new Map(), pending: new Map(), seq: 0,
  remainingMs: 0, clockAt: 0, running: false, finished: false };

const params = new URLSearchParams(location.search);
$("room").value = params.get("room") || localStorage.getItem("casn.room") || "";
const workstationId = localStorage.getItem("casn.workstation") || ("ws-" + crypto.randomUUID().slice(0, 8));
localStorage.setItem("casn.workstation", workstationId);
// This workstation's secret: the session token works only together with it, so a token seen on the
// wire or on a screen is no use on another machine.
const workstationKey = localStorage.getItem("casn.workstation-key") ||
  Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
localStorage.setItem("casn.workstation-key", workstationKey);
const credentials = () => (state.token ? { authorization: "Bearer " + state.token, "x-workstation-key": workstationKey } : {});

const messages = {
  "auth.pin_invalid": "PIN salah.",
  "auth.pin_locked": "PIN terkunci karena terlalu sering salah. Minta PIN baru kepada pengawas.",
  "auth.relogin_needs_proctor": "Ujian Anda sudah dibuka di komputer lain. Minta pengawas menyetujui login di komputer ini.",
  "room.not_open": "Sesi belum dimulai oleh pengawas.",
  "session.not_found": "Nomor peserta tidak terdaftar di ruang ini.",
  "session.not_started": "Anda belum registrasi ulang (check-in).",
  "session.finished": "Ujian Anda sudah selesai.",
  "request.invalid_key": "Alamat ruang atau nomor peserta tidak valid.",
};

async function call(method, path, body) {
  const response = await fetch(state.base + path, {
    method,
    headers: { "content-type": "application/json", ...credentials() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const room = $("room").value.trim().replace(/^\/+|\/+$/g, "");
  const participant = $("participant").value.trim();
  localStorage.setItem("casn.room", room);
  state.base = `/api/sessions/${room}/${encodeURIComponent(participant)}`;
  const result = await call("POST", "/login", { pin: $("pin").value.trim(), workstationId, workstationKey });
  if (!result.ok) { $("login-error").textContent = messages[result.data.code] || result.data.detail || "Gagal masuk."; return; }
  state.token = result.data.token;
  await startCamera();
  await loadPaper();
});

async function loadPaper() {
  const result = await call("GET", "/paper");
  if (!result.ok) return handleFault(result.data);
  const paper = state.paper = result.data;
  state.answers = new Map(paper.answers.map((a) => [a.itemId, a.choice]));
  const saved = Number(localStorage.getItem(seqKey()) || 0);
  state.seq = Math.max(saved, paper.lastSequence);
  $("candidate-name").textContent = paper.name;
  $("candidate-no").textContent = paper.participantNo;
  $("login").hidden = true; $("exam").hidden = false;
  buildGrid();
  applyClock(paper.clock);
  show(0);
  setInterval(tick, 250);
  scheduleHeartbeat(paper.clock.heartbeatEveryMs);
  setInterval(flushPending, 2000);
}

function seqKey() { return "casn.seq." + state.base; }

function buildGrid() {
  const grid = $("grid");
  grid.replaceChildren(...state.paper.items.map((item, index) => {
    const button = document.createElement("button");
    button.type = "button"; button.textContent = item.number; button.id = "nav-" + item.number;
    button.addEventListener("click", () => show(index));
    return button;
  }));
  paintGrid();
}

function paintGrid() {
  state.paper.items.forEach((item, index) => {
    const button = $("nav-" + item.number);
    button.className = state.pending.has(item.itemId) ? "pending" : state.answers.has(item.itemId) ? "answered" : "";
    if (index === state.current) button.classList.add("current");
    button.setAttribute("aria-label", `Soal ${item.number}, ${state.answers.has(item.itemId) ? "dijawab" : "belum dijawab"}`);
  });
}

function show(index) {
  state.current = Math.max(0, Math.min(index, state.paper.items.length - 1));
  const item = state.paper.items[state.current];
  $("item-number").textContent = item.number;
  $("item-section").textContent = item.section;
  $("item-stem").textContent = item.stem;
  const chosen = state.pending.has(item.itemId) ? state.pending.get(item.itemId).choice : state.answers.get(item.itemId);
  $("item-options").replaceChildren(...item.options.map((text, position) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio"; input.name = "option"; input.checked = chosen === position; input.disabled = state.finished;
    input.addEventListener("change", () => answer(item, position));
    label.append(input, `${String.fromCharCode(65 + position)}. ${text}`);
    if (chosen === position) label.classList.add("chosen");
    return label;
  }));
  $("prev").disabled = state.current === 0;
  $("next").disabled = state.current === state.paper.items.length - 1;
  paintGrid();
}

$("prev").addEventListener("click", () => show(state.current - 1));
$("next").addEventListener("click", () => show(state.current + 1));
$("clear").addEventListener("click", () => answer(state.paper.items[state.current], null));

function answer(item, choice) {
  if (state.finished) return;
  state.seq += 1;
  localStorage.setItem(seqKey(), String(state.seq));
  state.pending.set(item.itemId, { sequence: state.seq, choice });
  show(state.current);
  send(item.itemId, state.pending.get(item.itemId));
}

async function send(itemId, entry) {
  let result;
  try { result = await call("PUT", "/answers/" + encodeURIComponent(itemId), entry); }
  catch { setConnection(false); return; }
  setConnection(true);
  if (result.ok) {
    const current = state.pending.get(itemId);
    if (current && current.sequence === result.data.sequence) state.pending.delete(itemId);
    if (result.data.applied) {
      if (result.data.choice === null) state.answers.delete(itemId); else state.answers.set(itemId, result.data.choice);
    }
    paintGrid();
  } else if (result.status >= 500) {
    return; // kept pending; flushPending resends it
  } else {
    state.pending.delete(itemId);
    handleFault(result.data);
    show(state.current);
  }
}

function flushPending() { for (const [itemId, entry] of state.pending) send(itemId, entry); }

// The server says how often to beat (a third of its silence limit), so one lost beat never stops the clock.
let heartbeatTimer = null, heartbeatEvery = 0;
function scheduleHeartbeat(everyMs) {
  const every = Math.max(500, Math.min(everyMs || 10000, 10000));
  if (every === heartbeatEvery) return;
  heartbeatEvery = every;
  clearInterval(heartbeatTimer);
  heartbeatTimer = setInterval(heartbeat, every);
}

async function heartbeat() {
  if (state.finished) return;
  try {
    const result = await call("POST", "/heartbeat");
    setConnection(true);
    if (result.ok) applyClock(result.data); else handleFault(result.data);
  } catch { setConnection(false); }
}

function applyClock(clock) {
  state.remainingMs = clock.remainingMs; state.clockAt = performance.now(); state.running = clock.running;
  if (clock.heartbeatEveryMs) scheduleHeartbeat(clock.heartbeatEveryMs);
  if (clock.faceCheckDue) sendFaceFrame();
  if (clock.status === "Suspended") block("suspended");
  else if (clock.awaitingProctor) block("contact_lost");
  else if (clock.status === "Finished") finish();
  else { block(null); banner(null); }
}

// The items are hidden whenever the candidate may not work: out of contact, suspended, or waiting for
// the proctor after a long silence. The clock is stopped then, so nothing is lost by the wait.
const blockedTexts = {
  offline: "Koneksi ke server terputus. Soal disembunyikan sampai koneksi kembali; jawaban Anda tersimpan dan waktu berhenti.",
  suspended: "Ujian Anda dihentikan sementara. Tunggu keputusan pengawas; waktu Anda tidak berkurang.",
  contact_lost: "Koneksi sempat terputus terlalu lama. Panggil pengawas untuk melanjutkan; waktu Anda tidak berkurang.",
};
// While waiting for the proctor, ask every 2 s, so the items come back within moments of the proctor's
// resume, not a whole heartbeat interval (up to 10 s) later. Only waiting sittings beat this often.
const waitingBeatMs = 2000;
let waitingTimer = null;
function block(reason) {
  const waiting = reason === "suspended" || reason === "contact_lost";
  if (waiting && !waitingTimer) waitingTimer = setInterval(heartbeat, waitingBeatMs);
  if (!waiting && waitingTimer) { clearInterval(waitingTimer); waitingTimer = null; }
  state.blocked = reason;
  $("blocked").hidden = !reason;
  $("blocked").textContent = reason ? blockedTexts[reason] : "";
  $("blocked").dataset.blocked = reason || "";
  $("exam-body").hidden = !!reason;
}

function tick() {
  const left = Math.max(0, state.remainingMs - (state.running ? performance.now() - state.clockAt : 0));
  const s = Math.floor(left / 1000);
  $("time-left").textContent = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, "0")).join(":");
  $("time-left").parentElement.classList.toggle("low", left < 5 * 60 * 1000);
  if (left === 0 && state.running && !state.finished) heartbeat();
}

function setConnection(online) {
  $("connection").textContent = online ? "" : "Koneksi terputus — jawaban disimpan dan dikirim ulang";
  if (!online) block("offline");
  else if (state.blocked === "offline") { block(null); heartbeat(); }
}

function banner(text) { $("banner").hidden = !text; $("banner").textContent = text || ""; }

function handleFault(fault) {
  switch (fault.code) {
    case "session.suspended": block("suspended"); break;
    case "session.contact_lost": block("contact_lost"); break;
    case "answer.too_late": case "session.finished": finish(); break;
    case "auth.token_invalid": banner("Sesi ini dibuka di komputer lain. Hubungi pengawas."); break;
    default: banner(messages[fault.code] || fault.detail || "Terjadi kesalahan.");
  }
}

// In-exam face checks: the server says when a frame is due (at random moments); the page sends one
// camera frame. A different face suspends the session at once, and only a proctor can resume it.
let camera = null, sendingFrame = false;
async function startCamera() {
  if (!navigator.mediaDevices?.getUserMedia) return;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    camera = document.createElement("video");
    camera.muted = true; camera.playsInline = true; camera.srcObject = stream;
    await camera.play();
  } catch { camera = null; }
}

async function sendFaceFrame() {
  if (sendingFrame || state.finished) return;
  if (!camera) { banner("Kamera tidak tersedia. Hubungi pengawas."); return; }
  sendingFrame = true;
  try {
    const canvas = document.createElement("canvas");
    canvas.width = camera.videoWidth || 640; canvas.height = camera.videoHeight || 480;
    canvas.getContext("2d").drawImage(camera, 0, 0, canvas.width, canvas.height);
    const frame = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    const response = await fetch(state.base + "/face-frames", {
      method: "POST", body: frame, headers: { "content-type": "image/jpeg", ...credentials() },
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) applyClock(data); else if (response.status !== 503) handleFault(data);
  } finally { sendingFrame = false; }
}

$("submit").addEventListener("click", async () => {
  const open = state.paper.items.length - state.answers.size;
  if (!confirm(`Selesaikan ujian sekarang? ${open} soal belum dijawab.`)) return;
  const result = await call("POST", "/submit");
  if (result.ok) showResult(result.data); else handleFault(result.data);
});

async function finish() {
  if (state.finished) return;
  state.finished = true;
  const result = await call("GET", "/result");
  if (result.ok) showResult(result.data);
}

function showResult(result) {
  state.finished = true;
  $("login").hidden = true; $("exam").hidden = true; $("result").hidden = false;
  // A finished sitting opened again (a reload) has no paper: the token reads only the result.
  $("result-name").textContent = state.paper ? `${state.paper.name} — ${state.paper.participantNo}` : $("participant").value.trim();
  // Built from nodes, never from markup: a section code is data, and data never becomes HTML.
  const row = (tag, ...cells) => {
    const tr = document.createElement("tr");
    tr.append(...cells.map((text) => { const cell = document.createElement(tag); cell.textContent = text; return cell; }));
    return tr;
  };
  $("result-table").replaceChildren(row("th", "Subtes", "Nilai", ""),
    ...result.scores.sections.map((s) => row("td", s.section, String(s.score), "/ " + s.maxScore)),
    row("th", "Total", String(result.scores.total), ""));
  $("result-status").textContent = result.pass == null ? "" : result.pass.passed ? "Memenuhi nilai ambang batas" : "Tidak memenuhi nilai ambang batas";
  showReceipt();
}

// The receipt's code lets the candidate (or anyone they show it to) check the result on the public page.
async function showReceipt() {
  const receipt = await call("GET", "/receipt");
  if (!receipt.ok) return;
  $("receipt-code").textContent = receipt.data.certificateCode;
  $("receipt-link").href = receipt.data.verifyPath;
  $("receipt").hidden = false;
}
