// One import site for the YAML library (eemeli/yaml: YAML 1.2, line-numbered errors, no dependencies).
import * as YAML from 'yaml';

export { YAML };
