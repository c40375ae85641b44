/* Draws /api/network/ with Cytoscape.js: node colour = evidence tier, border = community. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  if (!container || typeof cytoscape === "undefined") { return; }
  var status = document.getElementById("network-status");
  var tierColours = JSON.parse(document.getElementById("tier-colours").textContent);
  var palette = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
                 "#bfef45", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#a9a9a9"];
  var colourBy = document.getElementById("colour-by");

  function elements(data) {
    var nodes = data.nodes.map(function (node) {
      return { data: {
        id: node.id, label: node.symbol, tier: node.tier || "none",
        community: node.community, degree: node.degree,
        tierColour: tierColours[node.tier] || "#9aa3ad",
        communityColour: palette[node.community % palette.length]
      } };
    });
    var edges = data.edges.map(function (edge) {
      return { data: { id: edge.source + "-" + edge.target, source: edge.source,
                       target: edge.target, weight: edge.combined_score } };
    });
    return nodes.concat(edges);
  }

  function fill() {
    return colourBy && colourBy.value === "community" ? "data(communityColour)" : "data(tierColour)";
  }

  function draw(data) {
    var cy = cytoscape({
      container: container,
      elements: elements(data),
      style: [
        { selector: "node", style: {
          "background-color": fill(), "label": "data(label)", "font-size": 10,
          "border-width": 3, "border-color": "data(communityColour)",
          "width": "mapData(degree, 0, 20, 18, 46)", "height": "mapData(degree, 0, 20, 18, 46)"
        } },
        { selector: "edge", style: {
          "width": "mapData(weight, 400, 1000, 0.5, 4)", "line-color": "#9aa3ad", "opacity": 0.7
        } }
      ],
      minZoom: 0.1,
      maxZoom: 1.6,
      layout: { name: "cose", animate: false, randomize: false }
    });
    cy.on("tap", "node", function (event) {
      window.location.href = "/genes/" + encodeURIComponent(event.target.data("label")) + "/";
    });
    if (colourBy) {
      colourBy.addEventListener("change", function () {
        cy.style().selector("node").style("background-color", fill()).update();
      });
    }
    status.textContent = data.nodes.length + " genes, " + data.edges.length + " interactions, " +
      data.communities.length + " communities" +
      (data.unknown_symbols.length ? "; unknown symbols: " + data.unknown_symbols.join(", ") : "");
  }

  fetch(container.dataset.api, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function (error) { status.textContent = "Could not load the network: " + error.message; });
})();
