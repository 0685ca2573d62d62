import type { SqlQuery } from '../db/db.ts';

/** Key of the lock that serialises review numbering (one number per review, no gaps from races). */
const REVIEW_NUMBER_LOCK = 4548;

export const lockReviewNumbersQuery = (): SqlQuery => ({ text: 'select pg_advisory_xact_lock($1)', values: [REVIEW_NUMBER_LOCK] });

export const nextReviewSeqQuery = (year: number): SqlQuery => ({
  text: 'select coalesce(max(seq), 0)::int + 1 as seq from reviews where year = $1',
  values: [year],
});

/** The versions of the layers a compliance review reads, kept with the saved review. */
export const layerVersionsQuery = (): SqlQuery => ({
  text: `select jsonb_object_agg(v.id, jsonb_build_object('version', v.version,
      'changedAt', to_char(v.changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'checksum', d.checksum))::text as versions
    from collection_versions v left join datasets d on d.id = v.id
    where v.id in ('controls', 'zones', 'district')`,
  values: [],
});

export interface ReviewInsert {
  number: string;
  year: number;
  seq: number;
  projectName: string;
  applicant: string | null;
  reviewer: string;
  note: string | null;
  createdBy: string;
  site: unknown;
  result: unknown;
  layerVersions: string;
}

export const insertReviewQuery = (r: ReviewInsert): SqlQuery => ({
  text: `insert into reviews (number, year, seq, project_name, applicant, reviewer, note, created_by, site, result, layer_versions)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb)
    returning to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt"`,
  values: [r.number, r.year, r.seq, r.projectName, r.applicant, r.reviewer, r.note, r.createdBy, JSON.stringify(r.site), JSON.stringify(r.result), r.layerVersions],
});

const SUMMARY = `number, project_name as "projectName", applicant, reviewer, note, created_by as "createdBy",
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
  jsonb_array_length(coalesce(result->'conflicts', '[]'::jsonb)) as conflicts`;

/** Saved reviews, newest first; `q` searches number, project, applicant and note. */
export const listReviewsQuery = (q: string | undefined, limit: number, offset: number): SqlQuery => ({
  text: `select coalesce(json_agg(r), '[]')::text as reviews, (select count(*)::int from reviews
      where $1::text is null or strpos(lower(number || ' ' || project_name || ' ' || coalesce(applicant, '') || ' ' || coalesce(note, '')), lower($1)) > 0) as number_matched
    from (select ${SUMMARY} from reviews
      where $1::text is null or strpos(lower(number || ' ' || project_name || ' ' || coalesce(applicant, '') || ' ' || coalesce(note, '')), lower($1)) > 0
      order by created_at desc, number desc limit $2 offset $3) r`,
  values: [q ?? null, limit, offset],
});

export const reviewQuery = (number: string): SqlQuery => ({
  text: `select json_build_object('number', number, 'projectName', project_name, 'applicant', applicant, 'reviewer', reviewer,
      'note', note, 'createdBy', created_by, 'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'site', site, 'result', result, 'layerVersions', layer_versions)::text as review from reviews where number = $1`,
  values: [number],
});
