// The search box in the navigation: it searches /search-index.json, which
// the `search-index` step writes, without a library. Every word typed must
// be in a page's title or text; a hit links to the heading that matched.
const input = document.getElementById("search");
const hits = document.getElementById("hits");
const pages = await (await fetch("/search-index.json")).json();

input.addEventListener("input", () => {
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
  const found = words.length
    ? pages.filter((page) => words.every((word) => `${page.title} ${page.body ?? ""}`.toLowerCase().includes(word)))
    : [];
  hits.replaceChildren(
    ...found.slice(0, 20).map((page) => {
      const heading = page.headings.find((h) => h.id && words.some((word) => h.text.toLowerCase().includes(word)));
      const link = document.createElement("a");
      link.href = page.url + (heading ? `#${heading.id}` : "");
      link.textContent = heading ? `${page.title} › ${heading.text}` : page.title;
      const item = document.createElement("li");
      item.append(link);
      return item;
    }),
  );
});
input.disabled = false;
