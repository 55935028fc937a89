/**
 * Resolves image references through an image map, materializing each image's executables
 * once under the kubelet's data dir.
 *
 * @module
 */

import { findImageRule, type Image, type ImageMap, materializeImage } from "../images.ts";

/** A cache of materialized images. */
export class ImageStore {
  #map: ImageMap;
  #dir: string;
  #cache = new Map<number, Promise<Image>>();

  constructor(map: ImageMap, dir: string) {
    this.#map = map;
    this.#dir = dir;
  }

  /** The image for `ref`, or undefined when the map has none (ErrImagePull). */
  resolve(ref: string): Promise<Image | undefined> {
    const rule = findImageRule(this.#map, ref);
    if (!rule) return Promise.resolve(undefined);
    const index = this.#map.indexOf(rule);
    let img = this.#cache.get(index);
    if (!img) {
      img = materializeImage(rule.source, `${this.#dir}/${index}`);
      this.#cache.set(index, img);
      img.catch(() => this.#cache.delete(index)); // retried on the next pull
    }
    return img;
  }
}

/** A stable fake digest for an image reference (imageID). */
export function imageID(ref: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (const ch of ref) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 + ch.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16) + h2.toString(16)).padStart(16, "0").repeat(4);
  const name = ref.replace(/[:@].*$/, "");
  return `${name}@sha256:${hex}`;
}
