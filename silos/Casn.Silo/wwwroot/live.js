// Shared by the public boards: follows a board's Server-Sent Events and says how fresh it is. The
// browser's EventSource reconnects by itself and sends Last-Event-ID, so the server resumes from the
// last version shown, never an older one; an older or equal version that still arrives is ignored.
"use strict";

// path: the board's /events address. render(board): draw a new board. showDown(bool): the stream is
// down or back. texts(): the current language's updated/stale strings.
function followBoard(path, render, showDown, texts) {
  const live = { board: null, connected: false, confirmedAt: 0, tick };
  const source = new EventSource(path);
  source.addEventListener("board", (event) => {
    live.connected = true;
    const next = JSON.parse(event.data);
    if (live.board && next.version <= live.board.version) return;
    live.board = next;
    live.confirmedAt = Math.max(live.confirmedAt, Date.parse(next.publishedAt));
    render(next);
    tick();
  });
  // Sent every 10 s while nothing changes: the board on screen is still the server's board.
  source.addEventListener("alive", (event) => {
    live.connected = true;
    live.confirmedAt = Math.max(live.confirmedAt, Date.parse(JSON.parse(event.data).serverTime));
    tick();
  });
  source.onopen = () => { live.connected = true; showDown(false); };
  source.onerror = () => { live.connected = false; showDown(true); };

  // Freshness from the server's own clock (last publish or keep-alive), so a lagging board says so instead of looking current.
  function tick() {
    if (!live.board) return;
    const t = texts();
    const age = Math.max(0, Math.round((Date.now() - live.confirmedAt) / 1000));
    const stale = !live.connected || age > 30;
    const freshness = document.getElementById("freshness");
    freshness.textContent = stale ? t.stale(age) : t.updated(age);
    freshness.classList.toggle("stale", stale);
  }
  setInterval(tick, 1000);
  return live;
}
