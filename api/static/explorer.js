/* claimgraph explorer: draws the graph data embedded in the page and fills the side panel.
   Every string from the data is inserted as text (textContent / text-node tooltips), never HTML. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const fields = document.getElementById("panel-fields");
  const title = document.getElementById("panel-title");
  const hint = document.getElementById("panel-hint");

  function textTooltip(text) {
    const el = document.createElement("div");
    el.className = "tooltip-text";
    el.textContent = text;
    return el;
  }

  function withTextTitle(item) {
    return item.title ? Object.assign({}, item, { title: textTooltip(item.title) }) : item;
  }

  function articleHref(articleId, claimId) {
    const anchor = claimId ? "#claim-" + encodeURIComponent(claimId) : "";
    return "/articles/" + encodeURIComponent(articleId) + ".html" + anchor;
  }

  function addField(label, value, href) {
    if (value === null || value === undefined || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.dataset.field = label.toLowerCase();
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = value;
      dd.appendChild(a);
    } else {
      dd.textContent = value;
    }
    fields.append(dt, dd);
  }

  function showClaim(d) {
    addField("Text", d.text);
    addField("Speaker", d.speaker);
    addField("Cue", d.cue);
    addField("Kind", d.kind);
    addField("Stance", d.stance);
    addField("Topic", d.topic);
    addField("Outlet", d.outlet);
    addField("Article", d.article_title || d.article, articleHref(d.article, d.id));
  }

  function showContradiction(d) {
    addField("Reason", d.reason);
    addField("Confidence", String(d.confidence));
    addField("Rule", d.rule);
    d.claims.forEach(function (c, i) {
      addField("Claim " + (i + 1), c.speaker.name + ": " + c.text, articleHref(c.article, c.id));
    });
  }

  function show(id) {
    const d = data.details[id];
    if (!d) return;
    fields.replaceChildren();
    hint.hidden = true;
    title.textContent = d.type.charAt(0).toUpperCase() + d.type.slice(1);
    document.getElementById("panel").dataset.selected = id;
    if (d.type === "claim") showClaim(d);
    else if (d.type === "contradiction") showContradiction(d);
    else if (d.type === "speaker") {
      addField("Name", d.name);
      addField("Claims", "list", "/speakers/" + encodeURIComponent(d.id));
    } else if (d.type === "article") addField("Article", d.title, articleHref(d.article));
  }

  const nodes = new vis.DataSet(data.nodes.map(withTextTitle));
  const edges = new vis.DataSet(data.edges.map(withTextTitle));
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  network.on("click", function (params) {
    if (params.nodes.length) show(params.nodes[0]);
    else if (params.edges.length) show(params.edges[0]);
  });
  network.once("afterDrawing", function () {
    container.dataset.rendered = "true";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    container.dataset.stable = "true";
  });
  window.claimgraph = { network: network, nodes: nodes, edges: edges, show: show };
})();
