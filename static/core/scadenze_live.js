// Live counter of the operator's overdue and due-today deadlines in the header. The socket passes the same
// authentication gate as every page; the server counts only the cases the operator may see and pushes the number
// again whenever one of their deadlines changes. 4401/4403: logged out or no longer authorised, no retry.
(function () {
  const badge = document.getElementById("scadenze-contatore");
  if (!badge || !window.WebSocket) return;
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  let wait = 2000;
  function show(n) {
    badge.textContent = String(n);
    badge.hidden = n === 0;
    badge.setAttribute("aria-label", n === 1 ? "1 scadenza scaduta o di oggi" : n + " scadenze scadute o di oggi");
  }
  function connect() {
    const socket = new WebSocket(scheme + window.location.host + badge.dataset.ws);
    socket.onopen = function () { wait = 2000; };
    socket.onmessage = function (event) {
      const data = JSON.parse(event.data);
      if (typeof data.scadenze === "number") show(data.scadenze);
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 60000);
    };
  }
  connect();
})();
