-- Certificates and documents (PostgreSQL; mirrors sqlite/0008_certificates_documents.sql).
-- Issue 5; the certificates lens and per-yacht document storage (docs/lenses/certificates.md,
-- docs/documents.md).
--
-- A certificate belongs to the vessel (scope 'vessel', no holder) or to one crew member
-- (scope 'crew', holder_user_id). Its status (valid, expiring, expired) is computed at read
-- time from expiry_date, the day of the request and the yacht's warning window
-- (pms_yacht_settings.certificate_warning_days, 90 days when the yacht has no row); only
-- 'superseded' is stored: superseded_by is set once, when a signed renewal replaces it, and
-- the new certificate names the old one in supersedes. A certificate's facts never change
-- (a guard trigger below is the second wall). expiry_date is the last day it is valid.
--
-- A document is a file (PDF, JPEG or PNG) attached to an entity of the yacht; the bytes
-- live on disk under the storage root at yachts/<yacht_id>/documents/<id>.<ext>, a path
-- made from the two ids and the content type only. The row records what was stored: its
-- size and SHA-256. Documents are never changed or deleted: the application role may only
-- read and insert them. Row-level security as in 0001/0002.

CREATE TABLE pms_certificates (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  scope text NOT NULL DEFAULT 'vessel' CHECK (scope = 'vessel' OR scope = 'crew'),
  holder_user_id uuid REFERENCES users (id),  -- crew certificates only
  certificate_type text NOT NULL,
  number text NOT NULL,
  issuing_authority text NOT NULL,
  issue_date date NOT NULL,
  expiry_date date NOT NULL,  -- the last day it is valid
  supersedes uuid,            -- the certificate this one renewed
  superseded_by uuid,         -- the certificate that renewed this one
  superseded_at timestamptz,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id),
  FOREIGN KEY (yacht_id, supersedes) REFERENCES pms_certificates (yacht_id, id),
  FOREIGN KEY (yacht_id, superseded_by) REFERENCES pms_certificates (yacht_id, id),
  CHECK ((scope = 'crew') = (holder_user_id IS NOT NULL)),
  CHECK (expiry_date > issue_date),
  CHECK ((superseded_by IS NULL) = (superseded_at IS NULL)),
  CHECK (supersedes IS NULL OR supersedes <> id),
  CHECK (superseded_by IS NULL OR superseded_by <> id)
);
-- Listing: soonest expiry first, then by id (the list's cursor).
CREATE INDEX pms_certificates_by_expiry ON pms_certificates (yacht_id, expiry_date, id);
-- A certificate is renewed at most once: two racing renewals cannot both succeed.
CREATE UNIQUE INDEX pms_certificates_renewal ON pms_certificates (yacht_id, supersedes)
  WHERE supersedes IS NOT NULL;

-- The second wall: a certificate's facts never change, and once superseded it stays so.
CREATE FUNCTION pms_certificates_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.scope, NEW.holder_user_id, NEW.certificate_type, NEW.number, NEW.issuing_authority,
      NEW.issue_date, NEW.expiry_date, NEW.supersedes, NEW.created_by, NEW.created_at)
     IS DISTINCT FROM
     (OLD.scope, OLD.holder_user_id, OLD.certificate_type, OLD.number, OLD.issuing_authority,
      OLD.issue_date, OLD.expiry_date, OLD.supersedes, OLD.created_by, OLD.created_at) THEN
    RAISE EXCEPTION 'a certificate''s facts never change (renew it instead)'
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.superseded_by IS NOT NULL AND
     (NEW.superseded_by, NEW.superseded_at) IS DISTINCT FROM
     (OLD.superseded_by, OLD.superseded_at) THEN
    RAISE EXCEPTION 'certificate % is already superseded', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER pms_certificates_guard BEFORE UPDATE ON pms_certificates
  FOR EACH ROW EXECUTE FUNCTION pms_certificates_guard();

-- Per-yacht settings; a yacht without a row has the defaults.
CREATE TABLE pms_yacht_settings (
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  certificate_warning_days integer NOT NULL DEFAULT 90
    CHECK (certificate_warning_days >= 0 AND certificate_warning_days <= 730),
  updated_by uuid NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id)
);

CREATE TABLE pms_documents (
  id uuid NOT NULL,
  yacht_id uuid NOT NULL REFERENCES yachts (id),
  entity_type text NOT NULL
    CHECK (entity_type = 'certificate' OR entity_type = 'equipment' OR entity_type = 'fault' OR
           entity_type = 'work_order'),
  entity_id uuid NOT NULL,  -- checked by the server against the entity type's table
  content_type text NOT NULL
    CHECK (content_type = 'application/pdf' OR content_type = 'image/jpeg' OR
           content_type = 'image/png'),
  size_bytes bigint NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by uuid NOT NULL,
  uploaded_role text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  PRIMARY KEY (yacht_id, id)
);
CREATE INDEX pms_documents_by_entity ON pms_documents (yacht_id, entity_type, entity_id, id);

-- Row-level security: a policy per command the server uses on each table (documents are
-- read and inserted only).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['pms_certificates', 'pms_yacht_settings', 'pms_documents'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_select', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_insert', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['pms_certificates', 'pms_yacht_settings'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid) '
                   'WITH CHECK (yacht_id = '
                   'NULLIF(current_setting(''app.yacht_id'', true), '''')::uuid)',
                   t || '_update', t);
  END LOOP;
END
$$;

-- Nothing here is deleted by the application; documents are never updated either.
REVOKE ALL ON pms_certificates, pms_yacht_settings, pms_documents FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON pms_certificates, pms_yacht_settings TO celeste_app;
GRANT SELECT, INSERT ON pms_documents TO celeste_app;
