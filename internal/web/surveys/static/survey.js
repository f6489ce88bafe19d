// The skip rules of a survey's form, live: a question whose rule is not
// met (an earlier question's answer lacks the option) is hidden, and so
// is every question depending on a hidden one. The server applies the
// same rules on submission; without this script every question shows.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey]");
  if (!form) return;
  document.documentElement.classList.add("survey-js");
  var qs = Array.prototype.slice.call(form.querySelectorAll("[data-q]"));
  function picked(i, option) {
    var q = qs[i];
    if (!q) return false;
    var box = q.querySelector('input[value="' + option + '"]:checked');
    return !!box;
  }
  function apply() {
    var visible = [];
    qs.forEach(function (q, i) {
      var dep = q.getAttribute("data-show-q");
      var shown = true;
      if (dep !== null) {
        var d = parseInt(dep, 10);
        shown = d < i && visible[d] && picked(d, q.getAttribute("data-show-o"));
      }
      visible[i] = shown;
      q.hidden = !shown;
    });
  }
  form.addEventListener("change", apply);
  apply();
})();
