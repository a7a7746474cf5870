/* The flow graph: lays a flow definition out as an SVG (sequences top to bottom, loop
 * bodies framed, branches side by side) and colours each module by its run status.
 * window.taskmillFlowGraph.render(container, definition, states, onSelect)
 *   states: {moduleId: {status, count, label}}; onSelect(moduleId) on a click. */
"use strict";

window.taskmillFlowGraph = (() => {
  const NODE_W = 200, NODE_H = 42, GAP = 24, PAD = 14, LABEL_H = 16;
  const SVG = "http://www.w3.org/2000/svg";
  const CONTAINERS = { forloopflow: true, branchone: true, branchall: true };

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (parent) parent.appendChild(node);
    return node;
  }

  /** Each layout is {w, h, draw(group, cx, top)} returning the drawn box's bottom centre. */
  function sequence(modules, ctx) {
    const items = (modules || []).map((m) => module(m, ctx));
    if (!items.length) return { w: NODE_W * 0.6, h: LABEL_H, draw(g, cx, top) {
      el("text", { x: cx, y: top + 12, "text-anchor": "middle", class: "frame-label" }, g).textContent = "(no steps)";
    } };
    const w = Math.max(...items.map((i) => i.w));
    const h = items.reduce((sum, i) => sum + i.h, 0) + GAP * (items.length - 1);
    return { w, h, draw(g, cx, top) {
      let y = top;
      items.forEach((item, index) => {
        if (index > 0) el("line", { x1: cx, y1: y - GAP, x2: cx, y2: y, class: "edge" }, g);
        item.draw(g, cx, y);
        y += item.h + GAP;
      });
    } };
  }

  function node(m, ctx, kindText) {
    return { w: NODE_W, h: NODE_H, draw(g, cx, top) {
      const state = ctx.states[m.id] || {};
      const group = el("g", { class: "node " + (state.status || ""), "data-step": m.id,
                              transform: `translate(${cx - NODE_W / 2},${top})` }, g);
      el("rect", { width: NODE_W, height: NODE_H, rx: 6 }, group);
      el("text", { x: 10, y: 17 }, group).textContent = m.id;
      const detail = state.label ? kindText + " · " + state.label : kindText;
      el("text", { x: 10, y: 33, class: "kind" }, group).textContent = detail;
      const title = el("title", {}, group);
      title.textContent = (m.summary ? m.summary + "\n" : "") + (state.status || "");
      group.addEventListener("click", () => ctx.onSelect && ctx.onSelect(m.id));
    } };
  }

  function kindText(m) {
    const v = m.value || {};
    if (v.type === "rawscript") return v.language;
    if (v.type === "script" || v.type === "flow") return v.type + " " + v.path;
    if (v.type === "forloopflow") return "for each" + (v.parallel ? " · parallel" + (v.parallelism ? " " + v.parallelism : "") : "");
    if (v.type === "branchall") return "all branches" + (v.parallel ? " · parallel" : "");
    if (v.type === "branchone") return "first true branch";
    return v.type || "?";
  }

  function framed(inner, label) {
    const w = inner.w + 2 * PAD, h = inner.h + 2 * PAD + LABEL_H;
    return { w, h, draw(g, cx, top) {
      el("rect", { x: cx - w / 2, y: top, width: w, height: h, rx: 8, class: "frame" }, g);
      el("text", { x: cx - w / 2 + 8, y: top + 12, class: "frame-label" }, g).textContent = label;
      inner.draw(g, cx, top + PAD + LABEL_H);
    } };
  }

  function module(m, ctx) {
    const head = node(m, ctx, kindText(m));
    const v = m.value || {};
    if (!CONTAINERS[v.type]) return head;
    let body;
    if (v.type === "forloopflow") {
      body = framed(sequence(v.modules, ctx), "each item");
    } else {
      const columns = (v.branches || []).map((b, i) => framed(sequence(b.modules, ctx), b.expr ? "if " + b.expr : b.summary || "branch " + (i + 1)));
      if (v.type === "branchone") columns.push(framed(sequence(v.default, ctx), "default"));
      body = row(columns);
    }
    return { w: Math.max(head.w, body.w), h: head.h + GAP + body.h, draw(g, cx, top) {
      head.draw(g, cx, top);
      if (v.type === "forloopflow") el("line", { x1: cx, y1: top + head.h, x2: cx, y2: top + head.h + GAP, class: "edge" }, g);
      body.draw(g, cx, top + head.h + GAP, top + head.h);
    } };
  }

  function row(columns) {
    const w = columns.reduce((sum, c) => sum + c.w, 0) + GAP * Math.max(0, columns.length - 1);
    const h = Math.max(LABEL_H, ...columns.map((c) => c.h));
    return { w, h, draw(g, cx, top, from) {
      let x = cx - w / 2;
      columns.forEach((column) => {
        const colCx = x + column.w / 2;
        el("path", { d: `M${cx},${from} C${cx},${top - GAP / 2} ${colCx},${from} ${colCx},${top}`, class: "edge" }, g);
        column.draw(g, colCx, top);
        x += column.w + GAP;
      });
    } };
  }

  function render(container, definition, states, onSelect) {
    const ctx = { states: states || {}, onSelect };
    const main = sequence(definition.modules, ctx);
    const failure = definition.failure_module ? framed(module(definition.failure_module, ctx), "on failure") : null;
    const w = Math.max(main.w, failure ? failure.w : 0) + 2 * PAD;
    const h = main.h + (failure ? failure.h + 2 * GAP : 0) + 2 * PAD;
    const svg = el("svg", { width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": "flow graph" });
    main.draw(svg, w / 2, PAD);
    if (failure) failure.draw(svg, w / 2, PAD + main.h + 2 * GAP);
    container.replaceChildren(svg);
    return svg;
  }

  return { render };
})();
