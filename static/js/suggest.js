/* Gene search suggestions for the home page. Without JavaScript the form simply submits to the
   gene browser; with it, matching genes appear as a keyboard-navigable list (ARIA combobox). */
(function () {
  "use strict";
  var box = document.querySelector("[data-suggest]");
  if (!box || !window.fetch) { return; }
  var input = box.querySelector("input");
  var list = box.querySelector("ul");
  var active = -1;
  var timer = null;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var items = list.querySelectorAll("li");
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
  }

  function show(genes) {
    close();
    genes.forEach(function (gene, i) {
      var item = document.createElement("li");
      item.id = "suggestion-" + i;
      item.setAttribute("role", "option");
      item.dataset.symbol = gene.symbol;
      var strong = document.createElement("strong");
      strong.textContent = gene.symbol;
      item.appendChild(strong);
      item.appendChild(document.createTextNode(" " + (gene.name || "")));
      item.addEventListener("mousedown", function (event) { event.preventDefault(); go(gene.symbol); });
      list.appendChild(item);
    });
    if (genes.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  function go(symbol) { window.location.href = "/genes/" + encodeURIComponent(symbol) + "/"; }

  function lookup() {
    var term = input.value.trim();
    if (term.length < 2) { close(); return; }
    var request = ++latest;
    fetch(box.dataset.suggestUrl + encodeURIComponent(term), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { genes: [] }; })
      .then(function (body) { if (request === latest) { show(body.genes || []); } })
      .catch(close);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 200); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", function (event) {
    var items = list.querySelectorAll("li");
    if (event.key === "ArrowDown" && items.length) { event.preventDefault(); highlight((active + 1) % items.length); }
    else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0 && items[active]) { event.preventDefault(); go(items[active].dataset.symbol); }
  });
})();
