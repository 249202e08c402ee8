// The components as other languages see them: Pulumi's component analyzer (what
// `pulumi package add` runs) reads packages/plugin and must accept all five
// components, with every arg of their Args interfaces in the schema, each with
// its documentation, under the `trestle` package the type tokens name.
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { ROOT } from "../stack-harness";

const PLUGIN = path.join(ROOT, "packages", "plugin");
const COMPONENTS = {
  RailwayService: "railway-service.ts",
  PostgresDb: "postgres-db.ts",
  RedisCache: "redis-cache.ts",
  VercelFrontend: "vercel-frontend.ts",
  StorageBucket: "storage-bucket.ts",
};

/** The property names of `<Component>Args`, read from the component's source. */
function argNames(component: string, file: string): string[] {
  const source = ts.createSourceFile(
    file,
    ts.sys.readFile(path.join(ROOT, "packages", "components", "src", file))!,
    ts.ScriptTarget.ES2022,
    true,
  );
  const names: string[] = [];
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === `${component}Args`) {
      for (const member of node.members) if (member.name && ts.isIdentifier(member.name)) names.push(member.name.text);
    }
  });
  return names.sort();
}

describe("the component package schema", () => {
  const packageJSON = JSON.parse(ts.sys.readFile(path.join(PLUGIN, "package.json"))!) as {
    name: string;
    version: string;
    description: string;
  };
  const analyzed = new Analyzer(PLUGIN, "trestle", packageJSON, new Set(Object.keys(COMPONENTS))).analyze();
  const schema = generateSchema(
    "trestle",
    packageJSON.version,
    packageJSON.description,
    analyzed.components,
    analyzed.typeDefinitions,
    analyzed.dependencies,
  ) as unknown as {
    name: string;
    resources: Record<
      string,
      { isComponent: boolean; inputProperties: Record<string, { description?: string }>; requiredInputs?: string[] }
    >;
  };

  it("is the `trestle` package with the five components under the tokens they register", () => {
    expect(packageJSON.name).toBe("@trestle/trestle"); // the CLI names the provider after the package: `trestle`
    expect(schema.name).toBe("trestle");
    expect(Object.keys(schema.resources).sort()).toEqual([
      "trestle:index:PostgresDb",
      "trestle:index:RailwayService",
      "trestle:index:RedisCache",
      "trestle:index:StorageBucket",
      "trestle:index:VercelFrontend",
    ]);
    for (const resource of Object.values(schema.resources)) expect(resource.isComponent).toBe(true);
  });

  it.each(Object.entries(COMPONENTS))("has every arg of %s, each documented", (component, file) => {
    const resource = schema.resources[`trestle:index:${component}`];
    expect(Object.keys(resource.inputProperties).sort()).toEqual(argNames(component, file));
    const undocumented = Object.entries(resource.inputProperties)
      .filter(([, p]) => !p.description?.trim())
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  it("keeps the required args required", () => {
    expect(schema.resources["trestle:index:RailwayService"].requiredInputs?.sort()).toEqual([
      "environmentId",
      "projectId",
      "serviceName",
      "source",
    ]);
    expect(schema.resources["trestle:index:VercelFrontend"].requiredInputs?.sort()).toEqual(["apiUrl", "projectName", "repo"]);
  });
});
