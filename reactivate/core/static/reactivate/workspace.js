// The worklist's live SLA timers and the keyboard: j/k move between rows, Enter opens,
// c claims, r replies, l logs a call, / finds a lead. No build step, no framework.
// Reply and log-a-call open the page at the field itself (#answer-body, #call-note): the
// browser focuses a fragment's target when it can, and would undo a focus() made earlier.
(function () {
  "use strict";

  function label(seconds) {
    var late = seconds < 0, s = Math.abs(Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var text = h > 0 ? h + " h " + m + " min" : m + ":" + (r < 10 ? "0" : "") + r;
    return late ? "overdue " + text : "due in " + text;
  }

  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll("time.sla[data-due]").forEach(function (el) {
      var left = Number(el.dataset.due) - now;
      el.textContent = left > 86400 ? el.getAttribute("title") || el.textContent : label(left);
      if (!el.title) el.title = el.getAttribute("datetime");
      var row = el.closest("tr");
      if (row) row.classList.toggle("overdue", left < 0);
    });
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.work-row")); }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
  }

  function typing(target) {
    return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var row = event.target.closest ? event.target.closest("tr.work-row") : null;
    var key = event.key;
    if (key === "j") { move(1); event.preventDefault(); }
    else if (key === "k") { move(-1); event.preventDefault(); }
    else if (key === "/") {
      window.location.href = document.querySelector(".mainnav a[href$='/leads/']").href;
      event.preventDefault();
    }
    else if (row && key === "Enter") { window.location.href = row.dataset.open; }
    else if (row && key === "c") { var b = row.querySelector("button.claim"); if (b) b.click(); }
    else if (row && key === "r") { window.location.href = row.dataset.reply; }
    else if (row && key === "l") { window.location.href = row.dataset.call; }
  });

  // After a poll replaces the rows, keep the focus on the same task.
  var focused = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var row = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("tr.work-row") : null;
    focused = row ? row.dataset.ref : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    tick();
    if (focused) {
      var again = document.querySelector('tr.work-row[data-ref="' + focused + '"]');
      if (again) again.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });
})();
