-- 0002 registry: households, persons, merchants, party-member contact households,
-- imports, and per-area counters kept current as data changes (dashboards read these).

CREATE TABLE households (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,                    -- the top-level area: the distribution key
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the unit, building or compound it is in
    room         TEXT NOT NULL DEFAULT '',           -- 房号, e.g. 301
    address      TEXT NOT NULL DEFAULT '',           -- a free address when there is no unit
    address_key  TEXT NOT NULL,                      -- compound+building+unit+room names: address prefix search
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (area_id, room, address)
);
CREATE INDEX households_address ON households(address_key);

CREATE TABLE merchants (
    id             BIGINT PRIMARY KEY,
    top_area_id    BIGINT NOT NULL,
    area_id        BIGINT NOT NULL REFERENCES areas(id), -- the street or compound
    name           TEXT NOT NULL,
    licence        TEXT,                              -- 营业执照 / unified social credit code
    address        TEXT NOT NULL DEFAULT '',
    contact_name   TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (licence)
);
CREATE INDEX merchants_area ON merchants(area_id, name);
CREATE INDEX merchants_name ON merchants(name);

CREATE TABLE imports (
    id          BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL,                       -- persons, merchants
    area_id     BIGINT NOT NULL REFERENCES areas(id),
    file_name   TEXT NOT NULL DEFAULT '',
    encoding    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'running',     -- running, done, failed
    rows_total  BIGINT NOT NULL DEFAULT 0,
    accepted    BIGINT NOT NULL DEFAULT 0,           -- new records
    merged      BIGINT NOT NULL DEFAULT 0,           -- existing records changed
    unchanged   BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    bytes_total BIGINT NOT NULL DEFAULT 0,
    bytes_done  BIGINT NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);

CREATE TABLE import_rejects (
    import_id   BIGINT NOT NULL REFERENCES imports(id),
    row_no      BIGINT NOT NULL,                     -- the spreadsheet's row number (header = 1)
    field       TEXT NOT NULL,
    level       TEXT NOT NULL DEFAULT 'reject',      -- reject (row not kept) or warning (kept)
    reason      TEXT NOT NULL,
    raw         TEXT NOT NULL DEFAULT '',            -- the row as read, for the reject report
    PRIMARY KEY (import_id, row_no, field)
);

CREATE TABLE persons (
    id            BIGINT PRIMARY KEY,
    top_area_id   BIGINT NOT NULL,
    area_id       BIGINT NOT NULL REFERENCES areas(id), -- the household's area (unit or compound)
    household_id  BIGINT REFERENCES households(id),
    name          TEXT NOT NULL,
    id_type       TEXT NOT NULL CHECK (id_type = 'id_card' OR id_type = 'passport' OR id_type = 'hk_macau' OR id_type = 'taiwan' OR id_type = 'other'),
    id_number     TEXT NOT NULL,                      -- unique: persons_id_number below
    id_last4      TEXT NOT NULL,
    birth_date    INTEGER,                            -- yyyymmdd, from the ID number when it has one
    sex           TEXT NOT NULL DEFAULT '',           -- M, F or unknown ''
    phone         TEXT NOT NULL DEFAULT '',
    phone_rev     TEXT NOT NULL DEFAULT '',           -- digits reversed: full and last-4 search on one index
    category      TEXT NOT NULL DEFAULT 'resident'
                  CHECK (category = 'resident' OR category = 'floating' OR category = 'employee' OR category = 'merchant_staff'),
    employer      TEXT NOT NULL DEFAULT '',
    merchant_id   BIGINT REFERENCES merchants(id),
    flags         INTEGER NOT NULL DEFAULT 0,         -- vulnerability bits, see core/person.h
    party_member  INTEGER NOT NULL DEFAULT 0,
    personal_code TEXT NOT NULL,                      -- random, printed as a QR card; never the ID number
    walk_in       INTEGER NOT NULL DEFAULT 0,
    import_id     BIGINT,                             -- the import that created it, and its row there
    import_row    BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
-- Named unique indexes rather than column constraints, so a first load into an empty
-- registry (the city-sized demo) can drop every index and build each once at the end.
CREATE UNIQUE INDEX persons_id_number ON persons(id_number);
CREATE UNIQUE INDEX persons_code ON persons(personal_code);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_id_last4 ON persons(id_last4);
CREATE INDEX persons_phone ON persons(phone_rev);
CREATE INDEX persons_area ON persons(area_id, id);          -- an area's people in id order: keyset paging
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_merchant ON persons(merchant_id) WHERE merchant_id IS NOT NULL; -- merchant staff only

CREATE TABLE party_contacts (
    member_id    BIGINT NOT NULL REFERENCES persons(id),    -- the party member
    household_id BIGINT NOT NULL REFERENCES households(id), -- the household they look after
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (member_id, household_id)
);
CREATE INDEX party_contacts_household ON party_contacts(household_id);

-- Counts per area, including everything below it, kept current by the code that changes
-- persons, households and merchants (never computed by scans at request time).
CREATE TABLE area_counts (
    area_id     BIGINT PRIMARY KEY REFERENCES areas(id),
    persons     BIGINT NOT NULL DEFAULT 0,
    households  BIGINT NOT NULL DEFAULT 0,
    merchants   BIGINT NOT NULL DEFAULT 0,
    floating    BIGINT NOT NULL DEFAULT 0,
    employees   BIGINT NOT NULL DEFAULT 0,
    vulnerable  BIGINT NOT NULL DEFAULT 0
);
