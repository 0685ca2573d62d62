/**
 * The coverage tool's settings as a link's coverage part and back (issue 13 #17), so that the
 * permalink carries them without the coverage panel knowing the link's format. The tool's defaults
 * (central area, the server's denominator, no population, straight-line radius) are not written.
 */
import type { CoverageLink } from '../../core/permalink.ts';

/** The coverage panel's settings, as far as a link keeps them. */
export interface CoverageSettingsLike {
  presetId: string;
  customRadiusMeters: number | null;
  includePlanned: boolean;
  area: string;
  inputs: { denominator: string; population: string; method: 'radius' | 'network'; network: string };
}

/** The area the coverage tool opens on. */
export const DEFAULT_COVERAGE_AREA = 'central_area';

export function coverageLinkOf(s: CoverageSettingsLike): CoverageLink {
  const link: CoverageLink = { preset: s.presetId };
  if (s.customRadiusMeters !== null) link.radius = s.customRadiusMeters;
  if (s.area && s.area !== DEFAULT_COVERAGE_AREA) link.area = s.area;
  if (s.includePlanned) link.includePlanned = true;
  if (s.inputs.denominator) link.denominator = s.inputs.denominator;
  const bar = s.inputs.population.indexOf('|');
  if (bar > 0) link.population = { collection: s.inputs.population.slice(0, bar), field: s.inputs.population.slice(bar + 1) };
  if (s.inputs.method === 'network' && s.inputs.network) link.network = s.inputs.network;
  return link;
}

export function coverageSettingsOf(link: CoverageLink): CoverageSettingsLike {
  return {
    presetId: link.preset,
    customRadiusMeters: link.radius ?? null,
    includePlanned: link.includePlanned ?? false,
    area: link.area ?? DEFAULT_COVERAGE_AREA,
    inputs: {
      denominator: link.denominator ?? '',
      population: link.population ? `${link.population.collection}|${link.population.field}` : '',
      method: link.network ? 'network' : 'radius',
      network: link.network ?? '',
    },
  };
}
