// Loads every diagram in bpmn/ with bpmn-moddle (plus the Camunda extension the diagrams
// use) and every table in dmn/ with dmn-moddle, as bpmn-js and dmn-js will, and fails
// on any import warning: an unknown element or attribute, or a broken reference.
import { readFileSync, readdirSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import { DmnModdle } from 'dmn-moddle';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const bpmn = BpmnModdle({ camunda: camundaModdle });
const dmn = DmnModdle();
let problems = 0;

async function check(dir, suffix, moddle, root) {
  for (const name of readdirSync(dir).filter((f) => f.endsWith(suffix)).sort()) {
    const xml = readFileSync(`${dir}/${name}`, 'utf8');
    try {
      const { warnings } = await moddle.fromXML(xml, root);
      for (const warning of warnings) {
        problems += 1;
        console.log(`${dir}/${name}: ${warning.message}`);
      }
      if (!warnings.length) console.log(`${dir}/${name}: ok`);
    } catch (error) {
      problems += 1;
      console.log(`${dir}/${name}: cannot be read: ${error.message}`);
    }
  }
}

await check('bpmn', '.bpmn', bpmn, 'bpmn:Definitions');
await check('dmn', '.dmn', dmn, 'dmn:Definitions');
process.exit(problems ? 1 : 0);
