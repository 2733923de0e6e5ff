// Live UVM board: the server pushes the re-rendered board after every change (the consumer checks access first).
// Attendance buttons post in the background so the page is not reloaded; other forms post normally.
(function () {
  const board = document.getElementById("board");
  const status = document.getElementById("board-status");
  if (!board) return;
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  function connect() {
    const socket = new WebSocket(scheme + window.location.host + board.dataset.ws);
    socket.onopen = function () { status.textContent = "aggiornamento in tempo reale"; status.className = "badge bg-success ms-2"; };
    socket.onmessage = function (event) {
      const data = JSON.parse(event.data);
      if (data.type === "board") board.innerHTML = data.html;
    };
    socket.onclose = function (event) {
      status.textContent = "non collegato"; status.className = "badge bg-secondary ms-2";
      if (event.code !== 4404) setTimeout(connect, 3000);
    };
  }
  connect();
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    });
  });
})();
