// Two spellings of one image are one image (Docker's reference normalisation),
// so a lost answer's check and a refresh recognise the image Railway reports back.
import { describe, expect, it } from "vitest";
import { sameImage } from "../src/images";

describe("sameImage", () => {
  it.each([
    ["redis:7.4", "docker.io/library/redis:7.4"],
    ["redis", "redis:latest"],
    ["redis", "index.docker.io/library/redis:latest"],
    ["acme/api:1", "docker.io/acme/api:1"],
    ["ghcr.io/acme/api", "ghcr.io/acme/api:latest"],
    ["GHCR.IO/acme/api:1", "ghcr.io/acme/api:1"],
    ["localhost:5000/api:1", "localhost:5000/api:1"],
    ["ghcr.io/acme/api:1@sha256:abc", "ghcr.io/acme/api:2@sha256:abc"],
  ])("%s is %s", (a, b) => {
    expect(sameImage(a, b)).toBe(true);
    expect(sameImage(b, a)).toBe(true);
  });

  it.each([
    ["redis:7.4", "redis:7.2"],
    ["redis", "acme/redis"],
    ["ghcr.io/acme/api:1", "docker.io/acme/api:1"],
    ["ghcr.io/acme/API:1", "ghcr.io/acme/api:1"],
    ["ghcr.io/acme/api:1@sha256:abc", "ghcr.io/acme/api:1@sha256:def"],
    ["redis:7.4", undefined],
  ])("%s is not %s", (a, b) => {
    expect(sameImage(a, b)).toBe(false);
  });
});
