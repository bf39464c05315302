// A JavaScript detector: Plausible and Fathom-like services the Rust core lacks (example).
const SERVICES = [
  { service: 'goatcounter', name: 'GoatCounter', category: 'analytics', host: 'gc.zgo.at', settingsKey: 'endpoint', attr: 'data-goatcounter' },
  { service: 'umami', name: 'Umami', category: 'analytics', host: 'umami', settingsKey: 'website-id', attr: 'data-website-id' },
];

export const meta = {
  info() {
    return { name: 'js-detector', version: '0.1.0', description: 'Detects GoatCounter and Umami (a JavaScript plugin).', optionsSchema: undefined };
  },
};

export const detector = {
  services() {
    return SERVICES.map(({ service, name, category, settingsKey }) => ({ service, name, category: { tag: category }, settings: [settingsKey] }));
  },
  describe(options) {
    return { reads: [], fingerprints: false, worksWithoutFiles: true };
  },
  detect(pages, options, files) {
    return pages.map((page) => {
      const found = [];
      for (const known of SERVICES) {
        for (const script of page.scripts) {
          if (!script.src || !script.src.includes(known.host)) continue;
          const evidence = { source: 'script-src', matched: script.src, position: script.position };
          const settings = script.attributes
            .filter(([name, value]) => name === known.attr && value !== '')
            .map(([, value]) => ({ key: known.settingsKey, value, evidence }));
          found.push({ service: known.service, name: known.name, category: { tag: known.category }, confidence: 100, version: undefined, settings, evidence: [evidence], consentGated: script.state === 'consent-blocked' });
        }
      }
      return { tag: 'ok', val: found };
    });
  },
};
