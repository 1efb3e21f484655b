import type { DataSource } from 'typeorm';
import { poolOf } from '../../platform/db/data-source';
import { columnsOf } from '../../platform/db/entity-sql';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { FormAttachmentEntity, type FormAttachmentMeta } from './entities';

/**
 * The SQL for form attachments: rows in, rows out, no rules. The caller has
 * already loaded the request through the scoped agency-forms.repository
 * (findRequest), so these take a request id it may see. A row's content is
 * never selected with its metadata; downloads read it in slices.
 */

const metaColumns = (tx: Tx) => columnsOf(tx, FormAttachmentEntity, 'fa', { except: ['content'] });

export async function listAttachments(tx: Tx, requestId: string): Promise<FormAttachmentMeta[]> {
  const { rows } = await sql<FormAttachmentMeta>(
    tx,
    `SELECT ${metaColumns(tx)} FROM form_attachments fa WHERE fa.request_id = $1 ORDER BY fa.uploaded_at, fa.id`,
    [requestId],
  );
  return rows;
}

export async function findAttachment(tx: Tx, requestId: string, id: string): Promise<FormAttachmentMeta | undefined> {
  const { rows } = await sql<FormAttachmentMeta>(
    tx,
    `SELECT ${metaColumns(tx)} FROM form_attachments fa WHERE fa.id = $1 AND fa.request_id = $2`,
    [id, requestId],
  );
  return rows[0];
}

export async function countAttachments(tx: Tx, requestId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>(tx, `SELECT count(*)::int AS n FROM form_attachments WHERE request_id = $1`, [requestId]);
  return rows[0]!.n;
}

/** Stores a file. node-postgres sends a Buffer parameter as binary, so the bytes go as they are (no hex text). */
export async function insertAttachment(tx: Tx, a: Omit<FormAttachmentEntity, 'id'>): Promise<FormAttachmentMeta> {
  const { rows } = await sql<FormAttachmentMeta>(
    tx,
    `INSERT INTO form_attachments AS fa
       (request_id, request_revision, filename, media_type, size, sha256, content, uploaded_at, uploaded_by_type, uploaded_by_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING ${metaColumns(tx)}`,
    [
      a.request_id,
      a.request_revision,
      a.filename,
      a.media_type,
      a.size,
      a.sha256,
      a.content,
      a.uploaded_at,
      a.uploaded_by_type,
      a.uploaded_by_id,
    ],
  );
  return rows[0]!;
}

export async function deleteAttachment(tx: Tx, id: string): Promise<void> {
  await sql(tx, `DELETE FROM form_attachments WHERE id = $1`, [id]);
}

/**
 * `length` bytes of a file's content from `offset` (0-based), or undefined
 * when the file is gone. Its own statement on any pooled connection, outside a
 * transaction: a download holds no connection while the client reads. The
 * column is stored uncompressed out of line, so PostgreSQL reads only the
 * TOAST chunks the slice covers. (The slice travels as hex text, twice its
 * size, and is decoded by node-postgres: asking for a binary result per query
 * does not work, as its protocol parser reads every field of a text-mode
 * connection as UTF-8.)
 */
export async function readContentSlice(ds: DataSource, id: string, offset: number, length: number): Promise<Buffer | undefined> {
  const result = await poolOf(ds).query<{ slice: Buffer }>(
    `SELECT substring(content FROM $2::int FOR $3::int) AS slice FROM form_attachments WHERE id = $1::uuid`,
    [id, offset + 1, length],
  );
  return result.rows[0]?.slice;
}
