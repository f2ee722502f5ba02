-- 0009 transport travel times from an OSRM-compatible /table service: a round's
-- setup may name one (NULL: the server's --osrm-url, else coordinates at speed).
ALTER TABLE transport_setups ADD COLUMN osrm TEXT;
