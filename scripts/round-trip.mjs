// Round trip through the libraries the desktop Camunda Modeler (Platform 7) is built on:
// read every diagram in bpmn/ with bpmn-moddle plus camunda-bpmn-moddle and every table in
// dmn/ with dmn-moddle, as the Modeler does when it opens a file, and write each back with
// toXML, as it does when it saves. The written files land in <out>/bpmn and <out>/dmn.
// Fails on any import warning (an element or attribute the Modeler would drop or reject).
//
//   node scripts/round-trip.mjs <out-dir> [<models-dir>]
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { DmnModdle } from 'dmn-moddle';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const [out, models = '.'] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/round-trip.mjs <out-dir> [<models-dir>]');
  process.exit(2);
}
let problems = 0;

async function roundTrip(dir, suffix, moddle, root) {
  mkdirSync(join(out, dir), { recursive: true });
  for (const name of readdirSync(join(models, dir)).filter((f) => f.endsWith(suffix)).sort()) {
    try {
      const { rootElement, warnings } = await moddle.fromXML(readFileSync(join(models, dir, name), 'utf8'), root);
      for (const warning of warnings) {
        problems += 1;
        console.log(`${dir}/${name}: ${warning.message}`);
      }
      const { xml } = await moddle.toXML(rootElement, { format: true });
      writeFileSync(join(out, dir, name), xml, 'utf8');
      console.log(`${dir}/${name}: written`);
    } catch (error) {
      problems += 1;
      console.log(`${dir}/${name}: cannot be read or written: ${error.message}`);
    }
  }
}

await roundTrip('bpmn', '.bpmn', BpmnModdle({ camunda: camundaModdle }), 'bpmn:Definitions');
await roundTrip('dmn', '.dmn', DmnModdle(), 'dmn:Definitions');
process.exit(problems ? 1 : 0);
