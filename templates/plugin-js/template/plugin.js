// {{name}}: {{description}}
export const meta = {
  info() {
    return { name: '{{name}}', version: '0.1.0', description: {{json description}}, optionsSchema: undefined };
  },
};
{{#if (eq role "lint-check")}}
// A lint check: flags `TODO` comments that name no owner (`TODO(ana):` is
// fine, a bare `TODO:` is not). Change RULE and check to your rule.
const RULE = '{{name}}/todo-owner';

export const lintCheck = {
  describe() {
    return {
      patterns: ['**/*.rs', '**/*.js', '**/*.md', '**/Makefile'],
      rules: [{
        id: RULE,
        defaultSeverity: 'warning',
        summary: 'a TODO names no owner',
        explanation: 'A TODO without an owner is nobody\'s job. Write `TODO(name): ...`.',
        fixable: false,
      }],
    };
  },
  check(files, options) {
    const found = [];
    const decoder = new TextDecoder();
    for (const file of files) {
      const text = decoder.decode(file.contents);
      let offset = 0;
      text.split('\n').forEach((line, index) => {
        const column = line.indexOf('TODO:');
        if (column >= 0) {
          // Spans count bytes; this sample keeps to ASCII lines for brevity.
          found.push({
            rule: RULE,
            severity: 'warning',
            message: 'this TODO names no owner',
            path: file.path,
            span: { start: offset + column, end: offset + column + 4, line: index + 1, column: column + 1 },
            help: 'write `TODO(name):`',
            fix: undefined,
          });
        }
        offset += new TextEncoder().encode(line).length + 1;
      });
    }
    return found;
  },
};
{{/if}}
{{#if (eq role "detector")}}
// A detector: finds a service by its script's address and reads its site id
// from the tag's `data-site` attribute. Change SERVICE and detect.
const SERVICE = '{{name}}';
const SCRIPT = '{{name}}.js';

export const detector = {
  services() {
    return [{ service: SERVICE, name: SERVICE, category: { tag: 'analytics' }, settings: ['site-id'] }];
  },
  // The files it reads besides pages: none.
  describe(options) {
    return { reads: [], fingerprints: false, worksWithoutFiles: true };
  },
  detect(pages, options, files) {
    return pages.map((page) => {
      const found = [];
      for (const script of page.scripts) {
        if (!script.src || !script.src.endsWith(SCRIPT)) continue;
        const evidence = { source: 'script-src', matched: script.src, position: script.position };
        const settings = script.attributes
          .filter(([name, value]) => name === 'data-site' && value !== '')
          .map(([, value]) => ({ key: 'site-id', value, evidence }));
        found.push({
          service: SERVICE,
          name: SERVICE,
          category: { tag: 'analytics' },
          confidence: 100,
          version: undefined,
          settings,
          evidence: [evidence],
          consentGated: script.state === 'consent-blocked',
        });
      }
      return { tag: 'ok', val: found };
    });
  },
};
{{/if}}
{{#if (eq role "site-step")}}
// A site step: adds `reading-minutes` (words / 200, at least 1) to the
// metadata of every Markdown page. Change describe and run.
export const siteStep = {
  describe(options) {
    return { perFile: true, patterns: ['**/*.md'], reads: [], copies: [] };
  },
  run(site, options) {
    const perMinute = JSON.parse(options)['words-per-minute'] ?? 200;
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw { tag: 'invalid-options', val: `\`words-per-minute\` must be a positive integer, not ${perMinute}` };
    }
    const decoder = new TextDecoder();
    for (const file of site.files) {
      const words = decoder.decode(file.contents).split(/\s+/).filter((word) => word !== '').length;
      const metadata = JSON.parse(file.metadata);
      metadata['reading-minutes'] = Math.max(1, Math.ceil(words / perMinute));
      file.metadata = JSON.stringify(metadata);
    }
    return site;
  },
};
{{/if}}
{{#if (eq role "template-helper")}}
// A template helper: `initials` gives the initials of a name
// ("Ada Lovelace" -> "AL"). Change helpers and callMany.
function call(helper, args) {
  if (helper !== 'initials') return { tag: 'err', val: { tag: 'invalid-input', val: `no helper \`${helper}\`` } };
  const [name] = args;
  if (args.length !== 1 || name.tag !== 'text') {
    return { tag: 'err', val: { tag: 'invalid-input', val: '`initials` takes one text' } };
  }
  const initials = name.val.split(/\s+/).filter((word) => word !== '').map((word) => word[0].toUpperCase()).join('');
  return { tag: 'ok', val: { tag: 'text', val: initials } };
}

export const templateHelper = {
  helpers() {
    return [{ name: 'initials', description: 'The initials of a name: Ada Lovelace -> AL.' }];
  },
  callMany(calls) {
    return calls.map(({ helper, args }) => call(helper, args));
  },
};
{{/if}}
