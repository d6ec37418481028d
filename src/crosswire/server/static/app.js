// crosswire web page: vanilla JS, no dependencies, works offline.
// Every piece of data from the store is put in the page as text (textContent / text nodes), never as
// HTML, so an article containing markup shows the markup as text.
"use strict";
(() => {
  const view = document.getElementById("view");

  // -- DOM helpers ------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  // Node lists may nest arrays and hold null/false (left out), as in el().
  const nodes = (list) => list.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false);
  const fill = (parent, ...children) => parent.replaceChildren(...nodes(children));
  const show = (...children) => fill(view, ...children);
  const errorBox = (err) => el("div", { class: "error", role: "alert" }, String(err.message || err));
  const safeUrl = (u) => (typeof u === "string" && /^https?:\/\//i.test(u) ? u : null);
  const storyHref = (id) => "#/story/" + encodeURIComponent(id);
  const articleHref = (id) => "#/article/" + encodeURIComponent(id);

  async function api(path, options) {
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok || !data || data.ok === false) {
      throw new Error(data && data.error ? data.error : `HTTP ${response.status}`);
    }
    return data;
  }

  function params(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined && v !== "") p.set(k, v);
    return p;
  }

  // The body as text with marked spans: spans are {start, end, cls, title}; overlapping ones are skipped.
  function markedText(text, spans) {
    const out = [];
    let pos = 0;
    const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
    for (const s of sorted) {
      if (s.start < pos || s.end > text.length) continue;
      out.push(text.slice(pos, s.start));
      out.push(el("mark", { class: s.cls, title: s.title || null, "data-event": s.event || null }, text.slice(s.start, s.end)));
      pos = s.end;
    }
    out.push(text.slice(pos));
    return out;
  }

  function pager(page, go) {
    const from = page.total ? page.offset + 1 : 0;
    const to = page.offset + page.items.length;
    return el("div", { class: "pager" },
      el("button", { type: "button", disabled: page.offset === 0, onclick: () => go(Math.max(0, page.offset - page.limit)) }, "‹ Previous"),
      el("span", { class: "muted" }, `${from}–${to} of ${page.total}`),
      el("button", { type: "button", disabled: to >= page.total, onclick: () => go(page.offset + page.limit) }, "Next ›"));
  }

  function filterForm(fields, values, onsubmit) {
    const inputs = {};
    const form = el("form", { class: "filters", onsubmit: (e) => {
      e.preventDefault();
      const out = {};
      for (const [name, input] of Object.entries(inputs)) out[name] = input.value.trim();
      onsubmit(out);
    } });
    for (const [name, label, placeholder] of fields) {
      inputs[name] = el("input", { name, value: values.get(name) || "", placeholder: placeholder || "" });
      form.append(el("label", {}, label, inputs[name]));
    }
    form.append(el("button", { type: "submit" }, "Search"));
    return form;
  }

  // -- stories ----------------------------------------------------------------------------------
  async function storiesView(query) {
    const values = new URLSearchParams(query);
    const form = filterForm(
      [["q", "Search titles", "e.g. Mayadin"], ["outlet", "Outlet", "e.g. RT"], ["place", "Place", "e.g. Deir ez-Zor"]],
      values, (v) => { location.hash = "#/?" + params(v).toString(); });
    show(el("h1", {}, "Stories"), form, el("p", { class: "muted" }, "Loading…"));
    const page = await api("/api/stories?" + params({ ...Object.fromEntries(values), limit: 25 }).toString());
    const rows = page.items.map((s) => el("tr", { class: "clickable", "data-story": s.id, onclick: () => { location.hash = storyHref(s.id); } },
      el("td", {}, el("a", { href: storyHref(s.id) }, s.title || s.id), el("div", { class: "muted" }, s.id)),
      el("td", {}, s.articles),
      el("td", {}, s.outlets.join(", ")),
      el("td", {}, s.first_seen || "?", " … ", s.last_seen || "?"),
      el("td", {}, s.places.join(", "))));
    show(el("h1", {}, "Stories"), form,
      page.items.length ? el("table", { id: "stories" },
        el("thead", {}, el("tr", {}, ["Story", "Articles", "Outlets", "Dates", "Places"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)) : el("p", { class: "muted" }, "No story matches."),
      pager(page, (offset) => { values.set("offset", offset); location.hash = "#/?" + values.toString(); }));
  }

  // -- one story --------------------------------------------------------------------------------
  function eventWhen(e) {
    if (!e.date_from) return "undated";
    return e.date_to && e.date_to !== e.date_from ? `${e.date_from} … ${e.date_to}` : e.date_from;
  }
  function eventKind(e) {
    return (e.acled_subtype || e.acled_type || e.plover_root || "?") + (e.stage ? ` (${e.stage})` : "");
  }

  async function storyView(id) {
    show(el("p", { class: "muted" }, "Loading story…"));
    const data = await api(`/api/stories/${encodeURIComponent(id)}?include_text=true`);
    const story = data.story;
    const articles = data.articles;
    const byId = Object.fromEntries(articles.map((a) => [a.id, a]));
    // Actors, places and sentences come once each (data.actors, data.places, data.sentences); the story
    // refers to them by key, and to a sentence by its index when the evidence is a whole sentence.
    const placeName = (key) => (key && data.places[key] ? data.places[key].name : "?");
    const actorName = (key) => (key && data.actors[key] ? data.actors[key].name : null);
    const sentenceOf = (articleId, span) => {
      if (span.text !== null && span.text !== undefined) return span.text;
      const sentence = (data.sentences[articleId] || {})[String(span.sentence)] || "";
      return span.at === null || span.at === undefined ? sentence : sentence.slice(span.at, span.at + span.end - span.start);
    };
    const title = (articles.find((a) => a.title) || {}).title || story.id;
    const evidencePanel = el("div", { id: "evidence" }, el("p", { class: "muted" }, "Click an event to see the sentences it comes from."));
    const columns = {};
    const selected = { id: null };

    function renderColumns() {
      const spansFor = (a) => {
        const spans = (a.frames || []).map((f) => ({ start: f.start, end: f.end, cls: "frame frame-" + f.kind, title: `${f.kind}: ${f.label}` }));
        if (selected.id) {
          const ev = story.events.find((e) => e.id === selected.id);
          for (const m of ev ? ev.mentions : []) {
            if (m.article_id !== a.id) continue;
            for (const sp of m.event.evidence) spans.push({ start: sp.start, end: sp.end, cls: "ev", title: "evidence", event: ev.id });
          }
        }
        return spans;
      };
      for (const a of articles) {
        const body = columns[a.id];
        if (body) body.replaceChildren(...markedText(a.body || "", spansFor(a)));
      }
    }

    function selectEvent(ev, row) {
      selected.id = ev.id;
      for (const r of document.querySelectorAll("#timeline tr.selected")) r.classList.remove("selected");
      row.classList.add("selected");
      const items = ev.mentions.map((m) => el("div", { class: "evidence" },
        el("div", {}, el("strong", {}, m.outlet || "unknown outlet"), " ",
          el("a", { href: articleHref(m.article_id), class: "muted" }, (byId[m.article_id] || {}).title || m.article_id)),
        m.event.evidence.map((sp) => el("p", { class: "quote" }, sentenceOf(m.article_id, sp))),
        m.event.claim && m.event.claim.kind !== "unattributed"
          ? el("div", { class: "muted" }, "says: ", actorName(m.event.claim.speaker) || m.event.claim.speaker_label || "?",
            " (", m.event.claim.kind, ")") : null));
      const c = ev.corroboration;
      fill(evidencePanel,
        el("h2", {}, eventKind(ev), " — ", placeName(ev.place)),
        el("p", { class: "muted" }, `${c.articles} article(s), ${c.outlets.length} outlet(s), ${c.origins.length} independent origin(s)`),
        c.origins.map((o) => el("div", { class: "muted" }, "origin ", o.label, ": ", o.outlets.join(", "))),
        items);
      renderColumns();
      const first = document.querySelector("mark.ev");
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest" });
    }

    const timeline = el("table", { id: "timeline" },
      el("thead", {}, el("tr", {}, ["When", "What", "Who → whom", "Where", "Reported by"].map((h) => el("th", {}, h)))),
      el("tbody", {}, story.events.map((ev) => {
        const c = ev.corroboration;
        const row = el("tr", { class: "clickable", "data-event": ev.id },
          el("td", {}, eventWhen(ev)),
          el("td", {}, eventKind(ev)),
          el("td", {}, ev.actor_id || "?", " → ", ev.target_id || "?"),
          el("td", {}, placeName(ev.place)),
          el("td", {}, c.outlets.join(", "), el("div", { class: "muted" }, `${c.independent ?? c.origins.length} independent origin(s)`)));
        row.addEventListener("click", () => selectEvent(ev, row));
        return row;
      })));

    const outletTable = el("table", { id: "outlets" },
      el("thead", {}, el("tr", {}, ["Outlet", "Article", "Published", "Events"].map((h) => el("th", {}, h)))),
      el("tbody", {}, articles.map((a) => el("tr", {},
        el("td", {}, a.outlet || "unknown"),
        el("td", {}, el("a", { href: articleHref(a.id) }, a.title || a.id)),
        el("td", {}, a.published || "?"),
        el("td", {}, a.events ?? "")))));

    const contradictions = story.contradictions.map((x) => el("div", { class: "contradiction" },
      el("strong", {}, x.kind, ": "), x.message,
      el("div", {}, el("span", { class: "tag" }, x.side_a.outlet || "?"), sentenceOf(x.side_a.article_id, x.side_a.evidence)),
      el("div", {}, el("span", { class: "tag" }, x.side_b.outlet || "?"), sentenceOf(x.side_b.article_id, x.side_b.evidence))));

    const sideBySide = el("div", { class: "outlets", id: "side-by-side" }, articles.map((a) => {
      const body = el("div", { class: "body", style: null }, "");
      body.style.whiteSpace = "pre-wrap";
      columns[a.id] = body;
      const url = safeUrl(a.url);
      return el("section", { class: "outlet-col", "data-article": a.id },
        el("h3", {}, a.outlet || "unknown outlet"),
        el("div", {}, el("strong", {}, a.title || "(no title)")),
        el("div", { class: "muted" }, a.published || "date unknown", url ? " · " : "", url ? el("a", { href: url, rel: "noopener noreferrer" }, "source") : null),
        body);
    }));

    const framing = data.framing;
    const naming = framing && framing.naming ? framing.naming.filter((r) => r.differs) : [];
    const framingBlock = framing ? [
      el("h2", {}, "How the outlets name things"),
      naming.length ? el("table", { id: "naming" },
        el("thead", {}, el("tr", {}, el("th", {}, "Who / what"), framing.outlets.map((o) => el("th", {}, o)))),
        el("tbody", {}, naming.map((r) => el("tr", {}, el("td", {}, r.canonical_name),
          framing.outlets.map((o) => {
            const f = r.outlets.find((x) => x.outlet === o);
            if (!f) return el("td", {}, "—");
            const forms = f.forms.map((s) => `${s.surface} ×${s.count}`).join(", ");
            // the outlet's own remarks on a name it uses ('explains "Daesh" as a pejorative')
            return el("td", {}, forms, (f.notes || []).map((t) => el("span", { class: "muted gloss" }, ` (${t})`)));
          }))))) : el("p", { class: "muted" }, "The outlets use the same names."),
    ] : [];

    show(
      el("h1", {}, title),
      el("p", { class: "muted" }, `${story.id} · ${articles.length} article(s) from ${story.outlets.join(", ")} · ${story.first_seen || "?"} … ${story.last_seen || "?"}`),
      el("div", { class: "grid2" },
        el("div", {}, el("h2", {}, "Timeline"), story.events.length ? timeline : el("p", { class: "muted" }, "No dated events."),
          story.contradictions.length ? [el("h2", {}, "Contradictions"), contradictions] : null,
          el("h2", {}, "Articles"), outletTable),
        el("div", {}, el("div", { class: "map" }, el("img", { src: data.map, alt: "Map of the story's places" })), evidencePanel)),
      framingBlock,
      el("h2", {}, "Side by side"),
      el("p", { class: "legend" }, el("span", { class: "frame-loaded" }, "loaded language"), el("span", { class: "frame-label" }, "label"),
        el("span", { class: "frame-hedge" }, "hedge / scare quote"), el("span", { class: "ev" }, "evidence of the selected event")),
      sideBySide);
    renderColumns();
  }

  // -- one article ------------------------------------------------------------------------------
  async function articleView(id) {
    show(el("p", { class: "muted" }, "Loading article…"));
    const data = await api(`/api/articles/${encodeURIComponent(id)}`);
    const a = data.analysis.article;
    const events = data.analysis.events;
    const body = el("div", { class: "body", id: "article-body" });
    body.style.whiteSpace = "pre-wrap";
    const frames = (data.analysis.framing && data.analysis.framing.spans) || [];
    const render = (ev) => {
      const spans = frames.map((f) => ({ start: f.start, end: f.end, cls: "frame frame-" + f.kind, title: `${f.kind}: ${f.label}` }));
      if (ev) for (const sp of ev.evidence) spans.push({ start: sp.start, end: sp.end, cls: "ev", title: "evidence", event: ev.id });
      body.replaceChildren(...markedText(a.body, spans));
    };
    const url = safeUrl(a.url);
    const list = el("table", { id: "article-events" },
      el("thead", {}, el("tr", {}, ["Event", "Who → whom", "Where", "Modality"].map((h) => el("th", {}, h)))),
      el("tbody", {}, events.map((e) => {
        const row = el("tr", { class: "clickable" },
          el("td", {}, e.acled_subtype || e.acled_type || e.plover_root || "?"),
          el("td", {}, e.actor ? e.actor.actor.name : "?", " → ", e.target ? e.target.actor.name : "?"),
          el("td", {}, e.place && e.place.place ? e.place.place.name : "?"),
          el("td", {}, e.modality));
        row.addEventListener("click", () => {
          for (const r of list.querySelectorAll("tr.selected")) r.classList.remove("selected");
          row.classList.add("selected");
          render(e);
        });
        return row;
      })));
    show(
      el("h1", {}, a.title || "(no title)"),
      el("p", { class: "muted" }, `${a.outlet || "unknown outlet"} · ${a.published.iso || "date unknown"} · ${a.id}`,
        data.story_id ? [" · ", el("a", { href: storyHref(data.story_id) }, "story")] : null,
        url ? [" · ", el("a", { href: url, rel: "noopener noreferrer" }, "source")] : null),
      el("div", { class: "grid2" }, el("div", {}, body), el("div", {}, el("h2", {}, "Events"), list)));
    render(null);
  }

  // -- events -----------------------------------------------------------------------------------
  async function eventsView(query) {
    const values = new URLSearchParams(query);
    const fields = [["type", "Type", "Battles, ACCUSE…"], ["actor", "Actor", "IS, Syrian…"], ["place", "Place", "Mayadin, SY…"],
      ["outlet", "Outlet", ""], ["story", "Story", ""], ["since", "Since", "2017-10"], ["until", "Until", "2017-10-31"], ["q", "Text", ""]];
    const form = filterForm(fields, values, (v) => { location.hash = "#/events?" + params(v).toString(); });
    show(el("h1", {}, "Events"), form, el("p", { class: "muted" }, "Loading…"));
    const filters = Object.fromEntries([...values].filter(([k]) => fields.some((f) => f[0] === k)));
    const page = await api("/api/events?" + params({ ...filters, offset: values.get("offset"), limit: 50 }).toString());
    const csvFilters = params(filters);
    csvFilters.delete("q");
    const csv = el("a", { class: "button", id: "csv", href: "/api/export/acled?" + csvFilters.toString(), download: "events.acled.csv" }, "Download CSV");
    const rows = page.items.map((e) => el("tr", {},
      el("td", {}, e.date || (e.date_text ? `[${e.date_text}]` : "?")),
      el("td", {}, [e.acled_type, e.acled_subtype].filter(Boolean).join(" / ") || "?", e.reliable ? "" : " (uncertain)"),
      el("td", {}, e.actor || "?", " → ", e.target || "?"),
      el("td", {}, e.place || "?"),
      el("td", {}, el("a", { href: articleHref(e.article_id) }, e.outlet || "?")),
      el("td", {}, e.modality, e.claimant ? ` — ${e.claimant}` : ""),
      el("td", { class: "muted" }, e.evidence)));
    show(el("h1", {}, "Events"), form, csv,
      el("table", { id: "events" },
        el("thead", {}, el("tr", {}, ["Date", "Type", "Who → whom", "Where", "Outlet", "Says", "Evidence"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)),
      pager(page, (offset) => { values.set("offset", offset); location.hash = "#/events?" + values.toString(); }));
  }

  // -- ingest -----------------------------------------------------------------------------------
  function ingestView() {
    const f = {
      token: el("input", { type: "password", name: "token", autocomplete: "off", placeholder: "CROSSWIRE_TOKEN" }),
      format: el("select", { name: "format" }, el("option", { value: "text/plain" }, "Text"), el("option", { value: "text/html" }, "HTML of a page")),
      url: el("input", { name: "url", placeholder: "https://…" }),
      outlet: el("input", { name: "outlet", placeholder: "e.g. Reuters" }),
      title: el("input", { name: "title" }),
      published: el("input", { name: "published", placeholder: "2017-10-14" }),
      text: el("textarea", { name: "text", placeholder: "Paste the article's text, or the page's HTML." }),
    };
    const result = el("div", { id: "ingest-result" });
    const form = el("form", { class: "ingest-form", onsubmit: async (e) => {
      e.preventDefault();
      result.replaceChildren(el("p", { class: "muted" }, "Analysing…"));
      try {
        const q = params({ url: f.url.value.trim(), outlet: f.outlet.value.trim(), title: f.title.value.trim(), published: f.published.value.trim() });
        const data = await api("/api/articles?" + q.toString(), {
          method: "POST",
          headers: { "Content-Type": f.format.value + "; charset=utf-8", Authorization: "Bearer " + f.token.value.trim() },
          body: f.text.value,
        });
        result.replaceChildren(el("div", { class: "ok" }, data.articles.map((a) => el("div", {},
          a.new ? "Stored " : "Already stored: ", el("a", { href: articleHref(a.id) }, a.title || a.id),
          ` (${a.events} event(s), ${a.places} place(s))`,
          a.story_id ? [" in ", el("a", { href: storyHref(a.story_id) }, a.story_id)] : null))));
      } catch (err) {
        result.replaceChildren(errorBox(err));
      }
    } },
      el("label", {}, "API token", f.token),
      el("div", { class: "row" }, el("label", {}, "Format", f.format), el("label", {}, "URL", f.url), el("label", {}, "Outlet", f.outlet)),
      el("div", { class: "row" }, el("label", {}, "Title", f.title), el("label", {}, "Published", f.published)),
      el("label", {}, "Article", f.text),
      el("div", {}, el("button", { type: "submit" }, "Analyse and store")));
    show(el("h1", {}, "Add an article"),
      el("p", { class: "muted" }, "The article is analysed, linked into a story and stored. Writing needs the server's token."),
      form, result);
  }

  // -- routing ----------------------------------------------------------------------------------
  async function route() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query] = hash.split("?");
    const section = path.startsWith("/events") ? "events" : path.startsWith("/ingest") ? "ingest" : "stories";
    for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === section);
    try {
      if (path.startsWith("/story/")) await storyView(decodeURIComponent(path.slice(7)));
      else if (path.startsWith("/article/")) await articleView(decodeURIComponent(path.slice(9)));
      else if (path.startsWith("/events")) await eventsView(query || "");
      else if (path.startsWith("/ingest")) ingestView();
      else await storiesView(query || "");
    } catch (err) {
      show(errorBox(err));
    }
  }
  window.addEventListener("hashchange", route);
  route();
})();
