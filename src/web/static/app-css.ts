/**
 * The one stylesheet, kept as a TS string so `tsc` ships it in dist/ with no
 * copy step. Served from /static with a content hash in its name.
 */
export const APP_CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #5b6475; --line: #d9dde5;
  --accent: #2f5bd3; --accent-ink: #fff; --warn-bg: #fff4d6; --warn-line: #e0b43a;
  --bad: #b3261e; --ok: #1d7a46; --radius: 8px; --focus: 3px solid #f2a900;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  line-height: 1.45; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible,
textarea:focus-visible, summary:focus-visible { outline: var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--panel); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem;
  padding: .6rem 1rem; background: var(--ink); color: #fff; }
header.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; font-size: 1.15rem; letter-spacing: .02em; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: .3em; }
nav .badge { display: inline-block; min-width: 1.4em; padding: 0 .35em; border-radius: 1em;
  background: #f2a900; color: #1d2330; font-size: .8em; text-align: center; font-weight: 600; }
header.top form { margin-left: auto; }
header.top button { background: transparent; color: #fff; border: 1px solid #8891a3; }
main { padding: 1rem; max-width: 84rem; margin: 0 auto; }
main.wide { max-width: none; }
h1 { font-size: 1.5rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .6rem; }
h3 { font-size: 1rem; margin: 0 0 .3rem; }
.banner { background: var(--warn-bg); border-bottom: 2px solid var(--warn-line); padding: .7rem 1rem; }
.banner p { margin: 0; max-width: 84rem; margin: 0 auto; }
.flash { background: #e6f4ea; border: 1px solid #a8d5b5; border-radius: var(--radius); padding: .6rem .8rem; }
.flash.error { background: #fdecea; border-color: #f1b0ab; }
.form-error { background: #fdecea; border: 1px solid #f1b0ab; border-radius: var(--radius); padding: .5rem .7rem; margin: 0 0 .6rem; }
.choice label { display: block; font-weight: normal; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius);
  padding: .9rem 1rem; margin-bottom: 1rem; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
button, .button { font: inherit; padding: .35rem .8rem; border-radius: 6px; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: var(--panel); color: var(--accent); }
button.danger { background: var(--panel); color: var(--bad); border-color: var(--bad); }
input, select, textarea { font: inherit; padding: .35rem .45rem; border: 1px solid #aab1bf; border-radius: 6px;
  background: #fff; color: var(--ink); max-width: 100%; }
textarea { width: 100%; min-height: 8rem; }
label { font-weight: 600; display: block; margin: .5rem 0 .2rem; }
.inline label { display: inline; margin: 0 .3rem 0 0; }
.form-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0 1rem; }
.form-grid input, .form-grid select { width: 100%; }
.form-grid input.tick { width: auto; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .7rem; }
table { border-collapse: collapse; width: 100%; background: var(--panel); }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
tbody th { font-size: 1rem; color: var(--ink); }
.panel > h2:first-child, .panel > h3:first-child, .preview > h2:first-child { margin-top: 0; }
form.stacked input:not([type="radio"]):not([type="checkbox"]), form.stacked select { width: 100%; }
.table-wrap { overflow-x: auto; }
details.technical { margin-top: .5rem; font-size: .875rem; }
details.technical summary { color: var(--muted); cursor: pointer; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }

/* board */
.board { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(10.5rem, 1fr);
  gap: .75rem; overflow-x: auto; padding-bottom: .5rem; scroll-snap-type: x proximity; }
.column { background: #eceff4; border-radius: var(--radius); padding: .5rem; scroll-snap-align: start;
  min-height: 6rem; min-width: 0; }
.column.drop-target { outline: 3px dashed var(--accent); }
.column h2 { font-size: .95rem; margin: .2rem .3rem .5rem; display: flex; justify-content: space-between;
  align-items: flex-start; gap: .3rem; }
.column h2 a { color: var(--ink); text-decoration: none; }
.count { background: var(--panel); border-radius: 1em; padding: 0 .55em; font-weight: 600; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: minmax(0, 1fr); gap: .5rem; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .55rem .6rem; }
.card[draggable="true"] { cursor: grab; }
.card .name { font-weight: 600; overflow-wrap: anywhere; }
.card .meta { font-size: .85rem; color: var(--muted); overflow-wrap: anywhere; }
.card .due { font-size: .85rem; margin-top: .2rem; }
.card .due.draft { color: #8a5a00; }
.card .due.late a, .late-note strong { color: #a4262c; font-weight: 600; }
.draft.late { border-left: 4px solid #a4262c; }
.places mark { background: #fff3b0; color: #3d2e00; padding: 0 .15rem; border-radius: 2px; }
.card { position: relative; }
.card .pick { position: absolute; top: .55rem; right: .5rem; width: 1.05rem; height: 1.05rem; margin: 0; }
.card .name { padding-right: 1.5rem; }
.column-move { position: sticky; bottom: 0; display: flex; flex-wrap: wrap; gap: .3rem; align-items: center;
  margin-top: .5rem; padding: .45rem; background: #dfe4ec; border-radius: var(--radius); }
.column-move label { margin: 0; font-size: .85rem; flex: 1 1 100%; }
.column-move select { flex: 1 1 100%; min-width: 0; font-size: .85rem; padding: .15rem .3rem; }
.column-move input { flex: 1 1 4rem; min-width: 0; font-size: .85rem; padding: .15rem .3rem; }
.column-move button { flex: none; font-size: .85rem; padding: .15rem .55rem; }
.inline-label { display: inline; font-weight: normal; }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); margin: .5rem 0; }
legend { font-weight: 600; padding: 0 .3rem; }
.more { font-size: .85rem; margin: .5rem .3rem 0; }
.side-exits .board { grid-auto-columns: minmax(10.5rem, 1fr); }

/* contact: on a laptop the timeline beside what is next and who they are; on a phone what is next comes first */
.contact-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 0 1rem;
  grid-template-areas: "main now" "main about"; grid-template-rows: auto 1fr; }
.contact-now { grid-area: now; }
.contact-main { grid-area: main; }
.contact-about { grid-area: about; align-self: start; }
.next-list { list-style: none; padding: 0; margin: .4rem 0; display: grid; gap: .3rem; }
.owner-mail summary { cursor: pointer; color: var(--muted); font-size: .875rem; }
.owner-mail .message { margin-top: .4rem; }
.message.kith { border-left-color: #1d7a46; }
.stage-pill { display: inline-block; padding: .05rem .6rem; border-radius: 1em; background: #e3e9fb;
  color: #203a8f; font-size: .85rem; font-weight: 600; }
.addresses { list-style: none; padding: 0; margin: 0; }
.addresses li { overflow-wrap: anywhere; }
.addresses .dead { color: var(--bad); text-decoration: line-through; }
.timeline { list-style: none; padding: 0; margin: 0; display: grid; gap: .6rem; }
.message { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid #8aa4ea;
  border-radius: var(--radius); padding: .5rem .75rem; }
.message.out { border-left-color: #6fbf8f; }
.message header { display: flex; flex-wrap: wrap; gap: .2rem .8rem; font-size: .85rem; color: var(--muted); }
.message .subject { font-weight: 600; color: var(--ink); overflow-wrap: anywhere; }
.message pre, .note pre, .draft pre, .preview pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: .35rem 0 0; }
.plain-list { list-style: none; padding: 0; margin: 0; display: grid; gap: .45rem; }
.plain-list li { border-bottom: 1px solid var(--line); padding-bottom: .4rem; }
.preview { background: #fbfbfd; border: 1px dashed #aab1bf; border-radius: var(--radius); padding: .6rem .8rem; }

/* numbers */
.funnel { display: grid; gap: .35rem; }
.funnel-row { display: grid; grid-template-columns: 8rem 1fr 9rem; gap: .6rem; align-items: center; }
.funnel-row meter { width: 100%; height: 1.2rem; }
.tree-wrap { margin-bottom: 1rem; overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); }
.tree-wrap svg { display: block; }
.tree-list { display: none; margin-bottom: 1rem; }
.tree-list ul { margin: 0; padding-left: 1.1rem; }
.tree-list > ul { padding-left: 0; list-style: none; }
.tree-list li { margin: .2rem 0; overflow-wrap: anywhere; }
progress { width: 100%; height: 1.2rem; }
.state-ok { color: var(--ok); font-weight: 600; }
.state-degraded, .state-idle { color: #8a5a00; font-weight: 600; }
.state-down { color: var(--bad); font-weight: 600; }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0 0; }
dl.details dt { color: var(--muted); }
dl.details dd { margin: 0; overflow-wrap: anywhere; }
.login { max-width: 24rem; margin: 3rem auto; }
.draft > h2 { font-size: 1rem; margin-top: 0; }
td, dd { overflow-wrap: anywhere; }
.funnel-table svg { display: block; width: 100%; max-width: 200px; min-width: 2.5rem; }

@media (max-width: 48rem) {
  .contact-grid { grid-template-columns: minmax(0, 1fr); grid-template-areas: "now" "main" "about";
    grid-template-rows: auto; }
  /* A phone shows the columns one under another: nothing hides past the right edge. */
  .board { grid-auto-flow: row; grid-auto-columns: auto; grid-template-columns: minmax(0, 1fr);
    overflow-x: visible; }
  .column { min-height: 0; }
  .column-move { position: static; }
  /* Tables whose columns do not fit become lists: one block per row, each cell labelled. */
  table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack tbody th { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  /* Its hidden headings stack too, so a wide heading row cannot reach past the edge. */
  table.stack thead tr, table.stack thead th { display: block; }
  table.stack tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.stack td, table.stack tbody th { border: 0; padding: .1rem .6rem; text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
  table.stack td:empty { display: none; }
  table.funnel-table tr { display: grid; grid-template-columns: minmax(0, 1fr) 2.5rem minmax(0, 1fr); align-items: center; }
  .funnel-table td.rate { grid-column: 1 / -1; }
  .tree-wrap, .tree-legend { display: none; }
  .tree-list { display: block; }
  dl.details { grid-template-columns: minmax(0, 1fr); }
  dl.details dd { margin-bottom: .3rem; }
  header.top nav { order: 3; flex-basis: 100%; }
  .funnel-row { grid-template-columns: 6rem 1fr; }
  .funnel-row .rate { grid-column: 2; }
  main { padding: .75rem; }
}
`;
