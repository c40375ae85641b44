/* Draws /api/network/ with Cytoscape.js: node colour = evidence tier (or community), border =
   community. Below the drawing: the communities as a table, and downloads of what is shown (PNG,
   SVG, genes and interactions as TSV), all built in the browser from the same response. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  if (!container || typeof cytoscape === "undefined") { return; }
  var status = document.getElementById("network-status");
  var tierColours = JSON.parse(document.getElementById("tier-colours").textContent);
  var tierLabels = JSON.parse(document.getElementById("tier-labels").textContent);
  var palette = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
                 "#bfef45", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#a9a9a9"];
  var colourBy = document.getElementById("colour-by");
  var geneUrl = container.dataset.geneUrl;

  function communityColour(index) { return palette[index % palette.length]; }
  function pageOf(symbol) { return geneUrl.replace("SYMBOL", encodeURIComponent(symbol)); }

  function elements(data) {
    var nodes = data.nodes.map(function (node) {
      return { data: {
        id: node.id, label: node.symbol, tier: node.tier || "none",
        community: node.community, degree: node.degree,
        tierColour: tierColours[node.tier] || "#9aa3ad",
        communityColour: communityColour(node.community)
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

  function communitiesTable(data) {
    var body = document.querySelector("#network-communities tbody");
    if (!body) { return; }
    var byId = {};
    data.nodes.forEach(function (node) { byId[node.id] = node; });
    data.communities.forEach(function (members, index) {
      var genes = members.map(function (id) { return byId[id]; }).filter(Boolean);
      var tiers = {};
      genes.forEach(function (gene) { var t = gene.tier || ""; tiers[t] = (tiers[t] || 0) + 1; });
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = communityColour(index);  // CSSOM: allowed by the CSP
      name.appendChild(swatch);
      name.appendChild(document.createTextNode(" " + (index + 1)));
      var count = document.createElement("td");
      count.className = "num";
      count.textContent = genes.length;
      var tierCell = document.createElement("td");
      tierCell.textContent = Object.keys(tierColours).concat([""]).filter(function (t) {
        return tiers[t];
      }).map(function (t) {
        return tiers[t] + " " + (tierLabels[t] || "not scored");
      }).join(", ");
      var list = document.createElement("td");
      genes.forEach(function (gene, position) {
        if (position) { list.appendChild(document.createTextNode(", ")); }
        var link = document.createElement("a");
        link.href = pageOf(gene.symbol);
        link.textContent = gene.symbol;
        list.appendChild(link);
      });
      [name, count, tierCell, list].forEach(function (cell) { row.appendChild(cell); });
      body.appendChild(row);
    });
  }

  function tsv(rows) {
    return rows.map(function (row) {
      return row.map(function (value) {
        return value === null || value === undefined ? "" : String(value).replace(/[\t\n\r]/g, " ");
      }).join("\t");
    }).join("\n") + "\n";
  }

  function escapeXml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  /* The drawing as SVG, from the laid-out positions and the styles Cytoscape computed. */
  function svgOf(cy) {
    var box = cy.elements().boundingBox({});
    var pad = 20;
    var parts = [];
    cy.edges().forEach(function (edge) {
      var a = edge.source().position();
      var b = edge.target().position();
      parts.push('<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y +
        '" stroke="#9aa3ad" stroke-opacity="0.7" stroke-width="' +
        parseFloat(edge.style("width")) + '"/>');
    });
    cy.nodes().forEach(function (node) {
      var p = node.position();
      var r = node.width() / 2;
      parts.push('<circle cx="' + p.x + '" cy="' + p.y + '" r="' + r + '" fill="' +
        node.style("background-color") + '" stroke="' + node.data("communityColour") +
        '" stroke-width="3"/>');
      parts.push('<text x="' + p.x + '" y="' + (p.y - r - 4) +
        '" text-anchor="middle" font-family="sans-serif" font-size="10">' +
        escapeXml(node.data("label")) + "</text>");
    });
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + (box.x1 - pad) + " " +
      (box.y1 - pad) + " " + (box.w + 2 * pad) + " " + (box.h + 2 * pad) + '" width="' +
      Math.round(box.w + 2 * pad) + '" height="' + Math.round(box.h + 2 * pad) + '">' +
      '<rect x="' + (box.x1 - pad) + '" y="' + (box.y1 - pad) + '" width="' + (box.w + 2 * pad) +
      '" height="' + (box.h + 2 * pad) + '" fill="#ffffff"/>' + parts.join("") + "</svg>";
  }

  /* Each link builds its file when clicked, so it holds what is shown at that moment. */
  function offer(id, build) {
    var link = document.getElementById(id);
    if (!link) { return; }
    link.addEventListener("click", function () {
      if (link.dataset.objectUrl) { URL.revokeObjectURL(link.dataset.objectUrl); }
      link.dataset.objectUrl = URL.createObjectURL(build());
      link.href = link.dataset.objectUrl;
    });
  }

  function downloads(cy, data) {
    var symbolOf = {};
    data.nodes.forEach(function (node) { symbolOf[node.id] = node.symbol; });
    offer("download-png", function () {
      return cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
    });
    offer("download-svg", function () {
      return new Blob([svgOf(cy)], { type: "image/svg+xml" });
    });
    offer("download-genes-tsv", function () {
      var rows = [["symbol", "hgnc_id", "tier", "evidence_score", "ppi_score", "community",
                   "interactions"]];
      data.nodes.forEach(function (node) {
        rows.push([node.symbol, node.id, node.tier, node.evidence_score, node.ppi_score,
                   node.community + 1, node.degree]);
      });
      return new Blob([tsv(rows)], { type: "text/tab-separated-values" });
    });
    offer("download-edges-tsv", function () {
      var rows = [["gene_a", "gene_b", "hgnc_id_a", "hgnc_id_b", "combined_score"]];
      data.edges.forEach(function (edge) {
        rows.push([symbolOf[edge.source], symbolOf[edge.target], edge.source, edge.target,
                   edge.combined_score]);
      });
      return new Blob([tsv(rows)], { type: "text/tab-separated-values" });
    });
    document.getElementById("network-downloads").hidden = false;
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
      window.location.href = pageOf(event.target.data("label"));
    });
    if (colourBy) {
      colourBy.addEventListener("change", function () {
        cy.style().selector("node").style("background-color", fill()).update();
      });
    }
    communitiesTable(data);
    downloads(cy, data);
    status.textContent = data.nodes.length + " genes, " + data.edges.length + " interactions, " +
      data.communities.length + " communities" +
      (data.unknown_symbols.length ? "; unknown symbols: " + data.unknown_symbols.join(", ") : "");
  }

  fetch(container.dataset.api, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (response.ok) { return response.json(); }
      // The API explains a refused value; show its words, not only the status.
      return response.json().then(function (body) {
        var detail = body && body.errors && body.errors[0] && body.errors[0].detail;
        throw new Error(detail || "HTTP " + response.status);
      });
    })
    .then(draw)
    .catch(function (error) { status.textContent = "Could not load the network: " + error.message; });
})();
