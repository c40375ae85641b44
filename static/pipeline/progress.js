/*
 * Live source-run progress for any page (admin live pipeline page, public sources page).
 *
 * Markup convention:
 *   <div data-progress-root data-ws-path="/ws/progress/" data-state-url="/admin/pipeline/live/state.json">
 *     <span data-progress-connection></span>          "live", "polling" or "connecting…"
 *     <tr data-run-source="panelapp" data-run-status="completed" data-run-id="12">
 *       <span data-run-field="status|phase|message|counts|eta|rate|percent|finished_at|id"></span>
 *       <progress data-run-field="bar"></progress>
 *     </tr>
 *     <span data-run-id="12" data-run-status="..."> (an element bound to one run) </span>
 *     <tr data-job-kind="score" data-run-status="completed"> (latest score recompute or release
 *       publish; fields status|phase|message|started_at|finished_at|duration|id, bar) </tr>
 *   </div>
 * Elements with data-run-source show the latest run of that source; their data-run-status
 * attribute follows the run's status, so CSS can style badges ([data-run-status="running"]).
 * Every applied update is also dispatched as a "run-update" (or "job-update") event on
 * document (detail = the run or job).
 *
 * It listens on the WebSocket and, whenever the socket is down, polls the state URL instead
 * while reconnecting with backoff.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-progress-root]");
  if (!root) { return; }
  var wsPath = root.getAttribute("data-ws-path") || "/ws/progress/";
  var stateUrl = root.getAttribute("data-state-url");
  var pollMs = parseInt(root.getAttribute("data-poll-ms") || "2000", 10);
  var seen = {};
  var seenJobs = {};
  var socket = null;
  var pollTimer = null;
  var reconnectDelay = 1000;

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return ""; }
    seconds = Math.round(seconds);
    if (seconds < 60) { return seconds + "s"; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + "m " + (seconds % 60) + "s"; }
    return Math.floor(seconds / 3600) + "h " + Math.floor((seconds % 3600) / 60) + "m";
  }

  function stamp(value) {
    return value ? value.replace("T", " ").slice(0, 19) + " UTC" : "—";
  }

  function fieldText(run, name) {
    switch (name) {
      case "counts": return run.total ? run.current + " / " + run.total : (run.current ? String(run.current) : "");
      case "eta": return run.status === "running" && run.eta_seconds !== null ? "ETA " + duration(run.eta_seconds) : "";
      case "rate": return run.rate ? run.rate + "/s" : "";
      case "percent": return run.percent !== null && run.percent !== undefined ? run.percent + "%" : "";
      case "finished_at": return stamp(run.finished_at);
      case "started_at": return stamp(run.started_at);
      case "duration": return run.duration_seconds !== null && run.duration_seconds !== undefined ? duration(run.duration_seconds) : "";
      default: return run[name] === null || run[name] === undefined ? "" : String(run[name]);
    }
  }

  function render(element, run, idAttribute) {
    element.setAttribute("data-run-status", run.status);
    element.setAttribute(idAttribute || "data-run-id", String(run.id));
    var fields = element.querySelectorAll("[data-run-field]");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var name = field.getAttribute("data-run-field");
      if (name === "bar") {
        var total = run.total || 1;
        field.max = total;
        if (run.status === "running" && !run.total) {
          field.removeAttribute("value");  // indeterminate: no count to show yet
        } else {
          field.value = run.status === "completed" ? total : Math.min(run.current || 0, total);
        }
      } else {
        field.textContent = fieldText(run, name);
      }
    }
  }

  function apply(run) {
    var last = seen[run.id];
    if (last && last.updated > run.updated) { return; }
    seen[run.id] = run;
    var bySource = root.querySelectorAll('[data-run-source="' + run.source + '"]');
    for (var i = 0; i < bySource.length; i++) {
      var shown = parseInt(bySource[i].getAttribute("data-run-id") || "0", 10);
      if (run.id >= shown) { render(bySource[i], run); }
    }
    var byId = root.querySelectorAll('[data-run-id="' + run.id + '"]:not([data-run-source])');
    for (var j = 0; j < byId.length; j++) { render(byId[j], run); }
    document.dispatchEvent(new CustomEvent("run-update", { detail: run }));
  }

  function applyJob(job) {
    var last = seenJobs[job.kind];
    if (last && (last.id > job.id || (last.id === job.id && last.updated > job.updated))) { return; }
    seenJobs[job.kind] = job;
    var elements = root.querySelectorAll('[data-job-kind="' + job.kind + '"]');
    for (var i = 0; i < elements.length; i++) { render(elements[i], job, "data-job-id"); }
    document.dispatchEvent(new CustomEvent("job-update", { detail: job }));
  }

  function handle(message) {
    if (message.type === "snapshot") {
      message.runs.forEach(apply);
      (message.jobs || []).forEach(applyJob);
    }
    else if (message.type === "run") { apply(message.run); }
    else if (message.type === "job") { applyJob(message.job); }
  }

  function connection(text) {
    var badge = root.querySelector("[data-progress-connection]");
    if (badge) { badge.textContent = text; }
    root.setAttribute("data-progress-mode", text);
  }

  function poll() {
    if (!stateUrl) { return; }
    fetch(stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { handle(data); } })
      .catch(function () { /* the next poll retries */ });
  }

  function startPolling() {
    if (pollTimer || !stateUrl) { return; }
    connection("polling");
    poll();
    pollTimer = window.setInterval(poll, pollMs);
  }

  function stopPolling() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + wsPath);
    socket.onopen = function () {
      reconnectDelay = 1000;
      stopPolling();
      connection("live");
    };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function () {
      socket = null;
      startPolling();
      window.setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 30000);
    };
  }

  window.kgProgress = {
    apply: apply, applyJob: applyJob, poll: poll, socket: function () { return socket; }
  };
  connect();
})();
