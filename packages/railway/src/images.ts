// IMG-8: whether two Docker image references name the same image, as a
// registry resolves them. Railway may report an image back in another spelling than
// the one Trestle sent (the fidelity audit's blind spot 7), and a lost
// answer's check compares the two: `redis:7.4` is `docker.io/library/redis:7.4`,
// `ghcr.io/acme/api` is `ghcr.io/acme/api:latest`.
//
// The normalisation is Docker's own (distribution/reference
// `ParseNormalizedNamed`): a first component without `.` or `:` that is not
// `localhost` is a path on Docker Hub (`docker.io`, also spelled
// `index.docker.io`); a single-component Hub path is in `library/`; no tag
// means `latest`; registry hosts are case-insensitive, paths are not.

/** `[registry, path, tag, digest]` of a reference. */
function parts(reference: string): [string, string, string, string | undefined] {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first.toLowerCase() : "docker.io";
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = "docker.io";
  let tag = "latest";
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return [registry, path, tag, digest];
}

/** True when `a` and `b` name the same image (by digest when both pin one). */
export function sameImage(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return a === b;
  const [ra, pa, ta, da] = parts(a);
  const [rb, pb, tb, db] = parts(b);
  if (ra !== rb || pa !== pb) return false;
  if (da && db) return da === db;
  return ta === tb && da === db;
}
