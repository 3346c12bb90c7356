// The SPARQL editor: YASGUI (served from /static/vendor/yasgui, built by `make web`) replaces the plain form.
// Everything stays on this origin: the endpoint is this server's /sparql, nothing is stored in localStorage,
// no prefix or vocabulary look-up services are called (only the "variables" autocompleter is on).
(() => {
  "use strict";
  const holder = document.getElementById("yasgui");
  const form = document.getElementById("sparql-form");
  if (!holder || !form || typeof window.Yasgui !== "function") return;
  const area = form.querySelector("textarea[name=query]");
  const endpoint = new URL("/sparql", location.href).href;
  const yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { autocompleters: ["variables"], persistenceId: null, createShortLink: undefined, consumeShareLink: null },
    yasr: { persistenceId: null, defaultPlugin: "table" },
  });
  const tab = yasgui.getTab();
  const yasqe = tab.getYasqe();
  yasqe.setValue(area.value);
  form.hidden = true;
  holder.hidden = false;
  document.getElementById("answer")?.setAttribute("hidden", "");

  // Downloads ask the endpoint for the format, with the query as it is in the editor now.
  const downloads = document.querySelector("p.downloads");
  downloads.hidden = false;
  const refresh = () => {
    for (const link of downloads.querySelectorAll("a[id^=download-]")) {
      const url = new URL(link.href);
      url.searchParams.set("query", yasqe.getValue());
      link.href = url.pathname + url.search;
    }
  };
  yasqe.on("change", refresh);
  refresh();

  for (const link of document.querySelectorAll("a.example[data-query]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      for (const other of document.querySelectorAll("a.example.current")) other.classList.remove("current");
      link.classList.add("current");
      yasqe.setValue(link.dataset.query);
      yasqe.query();
    });
  }

  const add = document.getElementById("add-prefixes");
  add.hidden = false;
  add.addEventListener("click", () => yasqe.addPrefixes(JSON.parse(holder.dataset.prefixes)));
})();
