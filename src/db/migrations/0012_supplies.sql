-- 0012 supplies: items, warehouses and sites as stock locations, a balance per location
-- and item kept in the same transaction as an append-only ledger of movements, the
-- forecast's settings, and the shortfall alerts already raised (once per round and item).

-- What is stocked. Tubes are one item per pool size: the forecast picks the item by the
-- pool size the pool policy gives an area's risk level.
CREATE TABLE supply_items (
    id          BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind = 'swab' OR kind = 'tube' OR kind = 'box' OR kind = 'ppe'
                                     OR kind = 'disinfectant' OR kind = 'tent' OR kind = 'other'),
    unit        TEXT NOT NULL,
    pool_size   INTEGER CHECK (pool_size IS NULL OR pool_size = 1 OR pool_size = 5 OR pool_size = 10 OR pool_size = 20),
    per_sample  TEXT NOT NULL DEFAULT '',           -- how a sample consumes it, in words ("1 per person")
    created_at  BIGINT NOT NULL
);
INSERT INTO supply_items VALUES (1, 'swab', '采样拭子', 'swab', '支', NULL, '1 per person sampled', 0);
INSERT INTO supply_items VALUES (2, 'tube-1', '单采管', 'tube', '支', 1, '1 per person (single tube)', 0);
INSERT INTO supply_items VALUES (3, 'tube-5', '5混1采样管', 'tube', '支', 5, '1 per 5 people', 0);
INSERT INTO supply_items VALUES (4, 'tube-10', '10混1采样管', 'tube', '支', 10, '1 per 10 people', 0);
INSERT INTO supply_items VALUES (5, 'tube-20', '20混1采样管', 'tube', '支', 20, '1 per 20 people', 0);
INSERT INTO supply_items VALUES (6, 'box', '转运箱', 'box', '个', NULL, '1 per tubes_per_box tubes', 0);
INSERT INTO supply_items VALUES (7, 'ppe', '防护服套装', 'ppe', '套', NULL, 'staff x sets per staff', 0);
INSERT INTO supply_items VALUES (8, 'disinfectant', '含氯消毒剂', 'disinfectant', '升', NULL, '', 0);
INSERT INTO supply_items VALUES (9, 'tent', '采样帐篷', 'tent', '顶', NULL, '', 0);

-- Warehouses (supplying the sites of their area's subtree) and sites (one location per
-- sampling site, made on its first movement).
CREATE TABLE supply_locations (
    id          BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind = 'warehouse' OR kind = 'site'),
    name        TEXT NOT NULL,
    top_area_id BIGINT NOT NULL,
    area_id     BIGINT NOT NULL REFERENCES areas(id),
    site_id     BIGINT UNIQUE REFERENCES sites(id),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    CHECK ((kind = 'site') = (site_id IS NOT NULL))
);
CREATE INDEX supply_locations_area ON supply_locations(area_id);

-- The balance, never negative; changed only together with a ledger row.
CREATE TABLE supply_stock (
    location_id BIGINT NOT NULL REFERENCES supply_locations(id),
    item_id     BIGINT NOT NULL REFERENCES supply_items(id),
    qty         BIGINT NOT NULL CHECK (qty >= 0),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (location_id, item_id)
);

-- Append-only: one row per leg. A transfer is two legs with the same batch_id.
CREATE TABLE supply_movements (
    id          BIGINT PRIMARY KEY,
    batch_id    BIGINT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind = 'receipt' OR kind = 'transfer' OR kind = 'consumption' OR kind = 'adjustment'),
    location_id BIGINT NOT NULL REFERENCES supply_locations(id),
    item_id     BIGINT NOT NULL REFERENCES supply_items(id),
    delta       BIGINT NOT NULL,
    balance     BIGINT NOT NULL,                    -- the stock after this leg
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX supply_movements_location ON supply_movements(location_id, id);
CREATE INDEX supply_movements_batch ON supply_movements(batch_id);

-- The forecast's numbers (one row). Wastage: product.md gives none, so 5%.
CREATE TABLE supply_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    wastage_pct         DOUBLE PRECISION NOT NULL DEFAULT 5 CHECK (wastage_pct >= 0 AND wastage_pct <= 100),
    tubes_per_box       INTEGER NOT NULL DEFAULT 50 CHECK (tubes_per_box >= 1),
    people_per_sampler  INTEGER NOT NULL DEFAULT 360 CHECK (people_per_sampler >= 1),  -- product.md: samplers = population / 360
    ppe_per_staff       INTEGER NOT NULL DEFAULT 2 CHECK (ppe_per_staff >= 0),         -- sets per person per day (two shifts)
    updated_by          TEXT NOT NULL DEFAULT '',
    updated_at          BIGINT NOT NULL DEFAULT 0
);
INSERT INTO supply_settings (id) VALUES (1);

-- A site's last round (the newest with tubes there) and its samples, read from this index
-- alone: one seek and a short range per site instead of a visit to every tube row.
CREATE INDEX tubes_site_round ON tubes(site_id, round_id, samples);

-- Shortfalls already told to the warehouse's officers, once per round, warehouse and item.
CREATE TABLE supply_shortfalls (
    round_id     BIGINT NOT NULL REFERENCES rounds(id),
    location_id  BIGINT NOT NULL REFERENCES supply_locations(id),
    item_id      BIGINT NOT NULL REFERENCES supply_items(id),
    shortfall    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (round_id, location_id, item_id)
);

-- When the clock last checked a round's pick lists (at most hourly in the day before it starts).
CREATE TABLE supply_round_checks (
    round_id    BIGINT PRIMARY KEY REFERENCES rounds(id),
    checked_at  BIGINT NOT NULL
);
