import { PfConfModel, PfPortModel, PfRuleModel, PfStateModel, PfTableModel, PfTranslationModel } from './model';

/**
 * Renders a pf.conf (FreeBSD 14 syntax) from its model: the header line, then the sections in
 * the order pfctl requires — macros, tables, options, normalization, queueing, translation,
 * filtering — each after a one-line section comment, separated by blank lines. Empty sections
 * are left out. Rules keep the model's order (in PF the order is meaning). Pure and deterministic.
 *
 * @param model the validated model
 * @param header the first line, a `# …` comment (`generatedHeader(path)`)
 */
export function renderPfConf(model: PfConfModel, header: string): string {
  const sections: string[][] = [];
  const add = (title: string, lines: string[]) => {
    if (lines.length > 0) sections.push([`# ${title}`, ...lines]);
  };
  add('Macros', model.macros.map((m) => withComment(`${m.name} = "${m.value}"`, m.comment)));
  add('Tables', model.tables.map((t) => withComment(renderTable(t), t.comment)));
  add('Options', model.options.map((o) => withComment(`set ${o.text}`, o.comment)));
  add('Normalization', model.normalization.map((s) => withComment(s.text, s.comment)));
  add('Queueing', model.queueing.map((s) => withComment(s.text, s.comment)));
  add('Translation (the first matching rule wins)', model.translation.map((s) => withComment(renderTranslation(s), s.comment)));
  add('Filtering (the last matching rule wins, unless a rule is quick)', model.filter.map(renderRule));
  return `${header}\n\n${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** One filter rule on one line (without the trailing comment when `comment` is unset). */
export function renderRule(r: PfRuleModel): string {
  if (r.action === 'antispoof') {
    const a = ['antispoof', ...(r.log ? ['log'] : []), ...(r.quick ? ['quick'] : []), 'for', list(r.interfaces), ...(r.af ? [r.af] : [])];
    return withComment(a.join(' '), r.comment);
  }
  const t: string[] = [r.action];
  if (r.direction) t.push(r.direction);
  if (r.log) t.push('log');
  if (r.quick) t.push('quick');
  if (r.interfaces.length > 0) t.push('on', list(r.interfaces));
  if (r.af) t.push(r.af);
  if (r.protocols.length > 0) t.push('proto', list(r.protocols));
  const hostsAreAll = r.from.length === 0 && r.to.length === 0 && r.fromPorts.length === 0 && r.toPorts.length === 0;
  if (hostsAreAll) {
    t.push('all');
  } else {
    t.push('from', r.from.length > 0 ? list(r.from) : 'any');
    if (r.fromPorts.length > 0) t.push('port', list(r.fromPorts.map(port)));
    t.push('to', r.to.length > 0 ? list(r.to) : 'any');
    if (r.toPorts.length > 0) t.push('port', list(r.toPorts.map(port)));
  }
  if (r.icmpTypes.length > 0) t.push('icmp-type', list(r.icmpTypes));
  if (r.icmp6Types.length > 0) t.push('icmp6-type', list(r.icmp6Types));
  if (r.state) t.push(state(r.state));
  if (r.label !== undefined) t.push('label', `"${r.label}"`);
  return withComment(t.join(' '), r.comment);
}

function renderTable(m: PfTableModel): string {
  const t = [`table <${m.name}>`];
  if (m.persist) t.push('persist');
  if (m.const) t.push('const');
  if (m.counters) t.push('counters');
  if (m.file !== undefined) t.push(`file "${m.file}"`);
  // No `{ }` for an empty table: `{ }` would empty a persist table (an overload table) on reload.
  if (m.addresses.length > 0) t.push(`{ ${m.addresses.join(', ')} }`);
  return t.join(' ');
}

/** One translation rule on one line, in parse.y's order (natrule / binatrule). */
export function renderTranslation(r: PfTranslationModel): string {
  const t: string[] = [r.kind];
  if (r.pass) t.push('pass');
  if (r.log) t.push('log');
  if (r.interfaces.length > 0) t.push('on', list(r.interfaces));
  if (r.af) t.push(r.af);
  if (r.protocols.length > 0) t.push('proto', list(r.protocols));
  t.push('from', r.from.length > 0 ? list(r.from) : 'any');
  if (r.fromPorts.length > 0) t.push('port', list(r.fromPorts.map(port)));
  t.push('to', r.to.length > 0 ? list(r.to) : 'any');
  if (r.toPorts.length > 0) t.push('port', list(r.toPorts.map(port)));
  t.push('->', r.target);
  if (r.targetPort !== undefined) t.push('port', r.targetPort);
  t.push(...r.options);
  return t.join(' ');
}

function list(items: string[]): string {
  return items.length === 1 ? items[0] : `{ ${items.join(', ')} }`;
}

function port(p: PfPortModel): string {
  return p.to === undefined || p.to === p.from ? String(p.from) : `${p.from}:${p.to}`;
}

function state(s: PfStateModel): string {
  const base = s.kind === 'no' ? 'no state' : `${s.kind} state`;
  return s.options.length > 0 ? `${base} (${s.options.join(', ')})` : base;
}

function withComment(line: string, comment?: string): string {
  if (comment === undefined || comment === '') return line;
  // eslint-disable-next-line no-control-regex
  // pfctl joins a line ending in a backslash with the next one, even inside a comment: never
  // let one through, or the next rule would silently vanish.
  const clean = /[\x00-\x1f\x7f\\]/.test(comment) ? comment.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/\\/g, '/') : comment;
  return `${line}  # ${clean}`;
}
