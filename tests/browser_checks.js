// Runs in each page opened by tests/_browser.py; returns one line per problem a reader
// would see. Argument: the selectors of elements that must stay on one line.
async (oneLine) => {
  // Measure what the reader sees: fonts loaded, layout settled.
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  for (const el of document.querySelectorAll("body *")) {
    for (const pseudo of ["::before", "::after"]) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && /\bERROR\b/i.test(content)) {
        problems.push(`theme error box on ${describe(el)}: ${content.slice(0, 100)}`);
      }
    }
  }
  const body = document.body.innerText;
  if (/why you're seeing this message/.test(body)) {
    problems.push("theme notice: the sidebar configuration does not work with the theme");
  }
  for (const el of document.querySelectorAll(".system-message, .problematic")) {
    problems.push(`docutils marker ${describe(el)}`);
  }
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push(`broken image ${img.getAttribute("src")}`);
    }
  }
  for (const selector of oneLine) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) {
        problems.push(`${selector} wraps onto ${tops.size} lines: ${describe(el)}`);
      }
    }
  }
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
  }
  for (const table of document.querySelectorAll("table")) {
    if (!visible(table)) continue;
    const column = table.closest("article, [role=main], .body") || document.body;
    const style = getComputedStyle(column);
    const inner = column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const width = table.getBoundingClientRect().width;
    if (width > inner + 1) {
      problems.push(`table wider than its column (${Math.round(width)} > ${Math.round(inner)} px): ${describe(table)}`);
    }
  }
  for (const pre of document.querySelectorAll("pre")) {
    if (!visible(pre)) continue;
    if (pre.scrollWidth > pre.clientWidth + 1) {
      problems.push(`code block cut off (${pre.scrollWidth} px of text in ${pre.clientWidth} px): ${describe(pre)}`);
    }
  }
  return problems;
}
