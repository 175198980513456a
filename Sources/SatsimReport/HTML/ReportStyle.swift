/// The report's style sheet, inlined in the page: readable projected (large type, strong
/// contrast), printable (no backgrounds needed, charts never split across pages).
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; --ink: #1a1a1a; --muted: #4d4d4d; --rule: #d4d4d4; --panel: #f5f5f5;
          --good: #009E73; --bad: #D55E00; --mixed: #E69F00; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #ffffff; color: var(--ink);
          font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1010px; margin: 0 auto; padding: 36px 24px 56px; }
        header { border-bottom: 2px solid var(--ink); padding-bottom: 14px; margin-bottom: 18px; }
        .kicker { margin: 0; color: var(--muted); font-size: 0.8rem; letter-spacing: 0.09em; text-transform: uppercase; }
        h1 { margin: 2px 0 4px; font-size: 2.1rem; line-height: 1.2; overflow-wrap: anywhere; }
        .meta { margin: 0; color: var(--muted); }
        .provenance { margin: 0.25em 0 0; overflow-wrap: anywhere; }
        h2 { margin: 40px 0 10px; font-size: 1.35rem; }
        .description { margin: 0; font-size: 1.1rem; max-width: 72ch; }
        .verdict { margin: 26px 0; padding: 16px 22px 18px; background: var(--panel); border-left: 8px solid var(--mixed); }
        .verdict.good { border-left-color: var(--good); }
        .verdict.bad { border-left-color: var(--bad); }
        .verdict .label { display: block; color: var(--muted); font-size: 0.8rem; letter-spacing: 0.09em; text-transform: uppercase; }
        .verdict .outcome { margin: 0; font-size: 1.75rem; font-weight: 700; }
        .verdict .meaning { margin: 2px 0 12px; max-width: 75ch; }
        .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px 22px; margin: 0; }
        .figures dt { color: var(--muted); font-size: 0.88rem; }
        .figures dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
        .thresholds { margin: 12px 0 0; color: var(--muted); font-size: 0.88rem; }
        .partial { margin: 18px 0; padding: 12px 18px; border: 2px solid var(--bad); font-weight: 600; }
        ol.story { margin: 0; padding-left: 1.6em; max-width: 80ch; }
        ol.story li { margin: 6px 0; padding-left: 4px; }
        .chart-key { margin: 0; color: var(--muted); max-width: 85ch; }
        figure { margin: 26px 0 34px; break-inside: avoid; page-break-inside: avoid; }
        figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
        figcaption { margin-top: 8px; color: var(--muted); font-size: 0.95rem; max-width: 85ch; }
        figcaption code { color: var(--ink); }
        .table-wrap { overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.95rem; }
        th, td { padding: 7px 8px; text-align: right; border-bottom: 1px solid var(--rule); white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; vertical-align: bottom; }
        .unit { display: block; color: var(--muted); font-weight: 400; font-size: 0.82rem; }
        footer { margin-top: 44px; padding-top: 12px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.88rem; }
        @media print {
          body { font-size: 11pt; }
          main { max-width: none; padding: 0; }
          .verdict { background: none; border: 1px solid var(--rule); border-left-width: 8px; }
          h2 { break-after: avoid; page-break-after: avoid; }
          table, .verdict { break-inside: avoid; page-break-inside: avoid; }
        }
        @page { margin: 14mm; }
        """
}
