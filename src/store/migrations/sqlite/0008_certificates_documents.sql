-- Certificates and documents (SQLite; mirrors postgres/0008_certificates_documents.sql).
-- Issue 5; the certificates lens and per-yacht document storage (docs/lenses/certificates.md,
-- docs/documents.md).
--
-- A certificate belongs to the vessel (scope 'vessel', no holder) or to one crew member
-- (scope 'crew', holder_user_id). Its status (valid, expiring, expired) is computed at read
-- time from expiry_date, the day of the request and the yacht's warning window
-- (pms_yacht_settings.certificate_warning_days, 90 days when the yacht has no row); only
-- 'superseded' is stored: superseded_by is set once, when a signed renewal replaces it, and
-- the new certificate names the old one in supersedes. A certificate's facts never change.
-- expiry_date is the last day the certificate is valid.
--
-- A document is a file (PDF, JPEG or PNG) attached to an entity of the yacht; the bytes
-- live on disk under the storage root at yachts/<yacht_id>/documents/<id>.<ext>, a path
-- made from the two ids and the content type only. The row records what was stored: its
-- size and SHA-256. Documents are never changed or deleted by the server.
-- Enumerations use "=" ... "OR" rather than IN (...) (see 0002).

CREATE TABLE pms_certificates (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  scope TEXT NOT NULL DEFAULT 'vessel' CHECK (scope = 'vessel' OR scope = 'crew'),
  holder_user_id TEXT REFERENCES users (id),  -- crew certificates only
  certificate_type TEXT NOT NULL,
  number TEXT NOT NULL,
  issuing_authority TEXT NOT NULL,
  issue_date TEXT NOT NULL,   -- YYYY-MM-DD
  expiry_date TEXT NOT NULL,  -- YYYY-MM-DD, the last day it is valid
  supersedes TEXT,            -- the certificate this one renewed
  superseded_by TEXT,         -- the certificate that renewed this one
  superseded_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, supersedes) REFERENCES pms_certificates (yacht_id, id),
  FOREIGN KEY (yacht_id, superseded_by) REFERENCES pms_certificates (yacht_id, id),
  CHECK ((scope = 'crew') = (holder_user_id IS NOT NULL)),
  CHECK (expiry_date > issue_date),
  CHECK ((superseded_by IS NULL) = (superseded_at IS NULL)),
  CHECK (supersedes IS NULL OR supersedes <> id),
  CHECK (superseded_by IS NULL OR superseded_by <> id)
) WITHOUT ROWID;
-- Listing: soonest expiry first, then by id (the list's cursor).
CREATE INDEX pms_certificates_by_expiry ON pms_certificates (yacht_id, expiry_date, id);
-- A certificate is renewed at most once: two racing renewals cannot both succeed.
CREATE UNIQUE INDEX pms_certificates_renewal ON pms_certificates (yacht_id, supersedes)
  WHERE supersedes IS NOT NULL;

-- Per-yacht settings; a yacht without a row has the defaults.
CREATE TABLE pms_yacht_settings (
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  certificate_warning_days INTEGER NOT NULL DEFAULT 90
    CHECK (certificate_warning_days >= 0 AND certificate_warning_days <= 730),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id)
) WITHOUT ROWID;

CREATE TABLE pms_documents (
  id TEXT NOT NULL,
  yacht_id TEXT NOT NULL REFERENCES yachts (id),
  entity_type TEXT NOT NULL
    CHECK (entity_type = 'certificate' OR entity_type = 'equipment' OR entity_type = 'fault' OR
           entity_type = 'work_order'),
  entity_id TEXT NOT NULL,  -- checked by the server against the entity type's table
  content_type TEXT NOT NULL
    CHECK (content_type = 'application/pdf' OR content_type = 'image/jpeg' OR
           content_type = 'image/png'),
  size_bytes INTEGER NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  uploaded_by TEXT NOT NULL,
  uploaded_role TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  PRIMARY KEY (yacht_id, id)
) WITHOUT ROWID;
CREATE INDEX pms_documents_by_entity ON pms_documents (yacht_id, entity_type, entity_id, id);
