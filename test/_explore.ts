import { loadModuleImplementation } from '/work/main/src/adapters/moduleAdapter.ts';
import { runCheck } from '/work/main/src/harness/check.ts';
import { loadPack } from '/work/main/src/rulepack/compile.ts';
import { shippedPackDir } from '/work/main/src/rulepack/shipped.ts';
import { formatMember } from '/work/main/src/report/memberText.ts';
const pack = loadPack(shippedPackDir(2025));
if (!pack.ok) throw new Error('pack');
const measure = pack.value.measures.get('COL-E')!;
const names = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 3000);
for (const name of names) {
  const impl = await loadModuleImplementation(`/work/main/fixtures/implementations/col-e-${name}.ts`);
  for (const seed of [11, 22, 33]) {
    const t = performance.now();
    const r = await runCheck({ pack: pack.value, measure, productLines: ['commercial','medicaid','medicare'], implementation: impl, runs, seed, generator: 'rule-aware' });
    console.log(name, seed, r.exitCode, ((performance.now()-t)/1000).toFixed(1)+'s');
    for (const l of r.productLines) {
      console.log('  ', l.productLine, l.cases, l.discrepantCases, l.findings.map(f => `${f.key} path=${f.path}`).join(' | '));
      const f = l.findings[0];
      if (f && process.env.SHOW) console.log(formatMember(f.member, '2025-12-31').map(s=>'      '+s).join('\n'));
    }
  }
}
