-- Run once by the postgres image when it initialises an empty data volume
-- (/docker-entrypoint-initdb.d). The library itself is loaded by the compose file's
-- `-c shared_preload_libraries=pg_stat_statements`; `stockschool perf` and the manual's slow-query
-- commands read this view.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
