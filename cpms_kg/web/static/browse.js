// Classification browser, progressive enhancement of server-rendered pages (they read without this script):
// - a tree of <details data-scheme data-code> nodes whose narrower concepts are fetched from the REST API
//   (/api/schemes/{scheme} for top concepts, .../concepts/{code}/children) when opened, a page at a time;
// - search forms with data-instant show results from /api/search as one types (debounced).
(() => {
  "use strict";
  const PAGE = 50;
  const lang = document.documentElement.lang === "en" ? "en" : "zh";
  const t = (zh, en) => (lang === "zh" ? zh : en);
  const label = (labels) => (labels && (labels[lang] || labels.zh || labels.en)) || "";
  const seg = encodeURIComponent;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) node.append(child);
    return node;
  }

  function node(scheme, concept) {
    const code = concept.code || "";
    const link = el("a", { href: `/browse/${seg(scheme)}/${seg(code)}` }, label(concept.labels) || code);
    const summary = el("summary", {}, el("span", { class: "code" }, code), " ", link);
    const details = el("details", { "data-scheme": scheme, "data-code": code }, summary, el("ul", { class: "children" }));
    return el("li", {}, details);
  }

  async function load(details, offset) {
    const scheme = details.dataset.scheme;
    const code = details.dataset.code;
    const list = details.querySelector(":scope > ul.children");
    const base = code ? `/api/schemes/${seg(scheme)}/concepts/${seg(code)}/children` : `/api/schemes/${seg(scheme)}`;
    list.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch(`${base}?limit=${PAGE}&offset=${offset}`, { credentials: "same-origin" });
      if (!answer.ok) throw new Error(String(answer.status));
      const data = await answer.json();
      const items = data.children || data.top_concepts || [];
      if (offset === 0) list.replaceChildren();
      list.querySelector(":scope > li.more")?.remove();
      for (const concept of items) list.append(node(scheme, concept));
      const shown = offset + items.length;
      if (data.total === 0) {
        list.append(el("li", { class: "muted" }, t("无下位概念", "No narrower concepts")));
      } else if (shown < data.total) {
        const more = el("button", { type: "button" }, t(`更多（${shown} / ${data.total}）`, `More (${shown} of ${data.total})`));
        more.addEventListener("click", () => load(details, shown));
        list.append(el("li", { class: "more" }, more));
      }
      details.dataset.loaded = "true";
    } catch (failed) {
      list.replaceChildren(el("li", { role: "alert" }, t("加载失败：", "Could not load: ") + failed.message));
    } finally {
      list.removeAttribute("aria-busy");
    }
  }

  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (details.matches?.("details[data-scheme]") && details.open && details.dataset.loaded !== "true") {
        load(details, 0);
      }
    },
    true,
  );

  function hitHref(hit, base) {
    const [id, version] = (hit.standard || "").split("@");
    if (hit.kind === "concept" && hit.scheme) return `/browse/${seg(hit.scheme)}/${seg(hit.code)}`;
    if (hit.kind === "standard" && id) return `/standards/${seg(id)}/${seg(version)}`;
    if (id) return `/standards/${seg(id)}/${seg(version)}#${hit.kind}-${seg(hit.code)}`;
    return base && hit.iri.startsWith(base) ? "/id/" + hit.iri.slice(base.length) : hit.iri;
  }

  const KINDS = { concept: ["分类概念", "concept"], category: ["类目", "category"], attribute: ["属性", "attribute"], standard: ["标准", "standard"] };

  function instant(form) {
    const input = form.querySelector("input[name=q]");
    const out = document.getElementById(form.dataset.instant);
    let timer = 0;
    let asked = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        const mine = ++asked;
        if (!q) { out.replaceChildren(); return; }
        const params = new URLSearchParams(new FormData(form));
        params.set("q", q);
        params.set("limit", "10");
        const answer = await fetch(`/api/search?${params}`, { credentials: "same-origin" });
        if (mine !== asked) return; // a later keystroke already asked again
        if (!answer.ok) { out.replaceChildren(el("p", { role: "alert" }, t("检索失败", "Search failed"))); return; }
        const data = await answer.json();
        const list = el("ul", { class: "hits" });
        for (const hit of data.results) {
          const kind = KINDS[hit.kind] ? t(...KINDS[hit.kind]) : hit.kind;
          const where = hit.scheme || hit.standard || "";
          list.append(el("li", {}, el("a", { href: hitHref(hit, form.dataset.base) }, `${hit.code} ${label(hit.labels)}`),
            " ", el("span", { class: "muted" }, `${kind} · ${where}`)));
        }
        const all = el("a", { href: `/browse/search?${new URLSearchParams({ q })}` },
          t(`全部 ${data.total} 条结果`, `All ${data.total} results`));
        out.replaceChildren(data.total ? list : el("p", {}, t("没有结果", "No results")), el("p", {}, all));
      }, 200);
    });
  }

  for (const form of document.querySelectorAll("form[data-instant]")) instant(form);
})();
