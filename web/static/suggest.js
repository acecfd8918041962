// Suggest-as-you-type: fills the search box's <datalist> from /api/suggest.
// The page works the same without it.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!box || !list || !window.fetch) { return; }
  var endpoint = box.getAttribute("data-suggest");
  var timer = null;
  var latest = "";

  function show(words) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    words.forEach(function (word) {
      var option = document.createElement("option");
      option.value = word;
      list.appendChild(option);
    });
  }

  function ask(prefix) {
    latest = prefix;
    fetch(endpoint + "?q=" + encodeURIComponent(prefix), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (prefix === latest) { show(data.suggestions || []); } })
      .catch(function () { show([]); });
  }

  box.addEventListener("input", function () {
    var prefix = box.value;
    clearTimeout(timer);
    if (prefix.trim().length < 2) { show([]); return; }
    timer = setTimeout(function () { ask(prefix); }, 150);
  });
})();
