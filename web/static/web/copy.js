// Copy buttons: the one thing the site does with script. Without it, every link to copy is an ordinary link.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function textFor(button) {
    var source = button.getAttribute("data-copy-from");
    if (!source) return button.getAttribute("data-copy");
    var node = document.getElementById(source);
    // A citation names the day it was read: today's, not the day the page was made.
    var accessed = node.querySelector("time[data-accessed]");
    if (accessed) {
      var today = new Date();
      var day = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
      accessed.textContent = day;
      accessed.setAttribute("datetime", day);
    }
    return node.textContent.replace(/\s+/g, " ").trim();
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(textFor(button)).then(function () {
        button.textContent = button.closest("html").lang === "zh-Hans" ? "已复制" : "已複製";
        status.textContent = button.textContent;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function (error) {
        console.warn("copy failed", error);
      });
    });
  });
})();
