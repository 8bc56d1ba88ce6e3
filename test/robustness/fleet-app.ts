// A child-process app for the atomicity tests: N hosts, each with an rc.conf and a large file.
// Usage: tsx fleet-app.ts <outdir> <hosts> <tag>
import { App, FreeBsdHost } from '../../lib/index';

const [outdir, n, tag] = process.argv.slice(2);
const app = new App({ outdir });
const filler = `${tag} `.repeat(20_000);
for (let i = 0; i < Number(n); i++) {
  const h = new FreeBsdHost(app, `H${i}`, { hostname: `h${i}.fleet.example.net` });
  h.addInterface('vtnet0', { ipv4: `10.${(i >> 8) & 255}.${i & 255}.1/24` });
  h.rcConf.set('cdkbsd_tag', tag);
  h.addFile('/usr/local/etc/filler.txt', filler);
}
process.stdout.write('start\n');
app.synth();
process.stdout.write('done\n');
