// The status page's style: one column, monospace, readable at 80 columns; wide tables scroll sideways.
export const PAGE_STYLE = `
body { font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; margin: 0 auto; padding: 0.5em 1ch; max-width: 110ch; color: #222; background: #fff; }
header { border-bottom: 1px solid #ccc; padding-bottom: 0.4em; }
h2 { font-size: 1em; margin: 1.2em 0 0.3em; text-transform: uppercase; letter-spacing: 0.05em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.15em 1ch 0.15em 0; border-bottom: 1px solid #eee; }
th { font-weight: normal; color: #666; }
.scroll { overflow-x: auto; }
.id { white-space: nowrap; }
.dim { color: #777; }
.ok { color: #17702a; }
.warn { color: #8a5a00; }
.bad { color: #b00020; }
.import { border-left: 3px solid #ccc; padding-left: 1ch; margin: 0.5em 0; }
.import ol { list-style: none; padding: 0; margin: 0.2em 0; }
.import li { white-space: pre-wrap; word-break: break-word; }
@media (prefers-color-scheme: dark) {
  body { color: #ddd; background: #111; } th { color: #999; } td, th { border-color: #333; }
  .dim { color: #888; } .ok { color: #5fd37a; } .warn { color: #e0b050; } .bad { color: #ff6b81; }
}
`;
